import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Reads a file's text; throws when it cannot. */
export type ReadText = (path: string) => string;

const readText: ReadText = (path) => readFileSync(path, 'utf8');

/**
 * The CPUs the cgroup this process runs in may use, by its quota: cgroup v2's
 * `cpu.max` (`200000 100000`: 2 CPUs; `max 100000`: no quota), else cgroup
 * v1's `cpu.cfs_quota_us` over `cpu.cfs_period_us` (a quota of -1: none), as
 * a container runtime sets them (`docker run --cpus=1.5`, a Kubernetes CPU
 * limit); `undefined` where none is set or readable.
 */
export function cgroupCpuQuota(read: ReadText = readText): number | undefined {
  try {
    const [quota, period] = read('/sys/fs/cgroup/cpu.max').trim().split(/\s+/);
    if (quota === 'max') return undefined;
    const cpus = Number(quota) / Number(period);
    if (Number.isFinite(cpus) && cpus > 0) return cpus;
  } catch {
    // Not cgroup v2: try v1.
  }
  try {
    const cpus = Number(read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us').trim()) / Number(read('/sys/fs/cgroup/cpu/cpu.cfs_period_us').trim());
    if (Number.isFinite(cpus) && cpus > 0) return cpus;
  } catch {
    // No cgroup CPU controller to read: no quota known.
  }
  return undefined;
}

/**
 * The cores this process may keep busy: the CPUs it may run on
 * (`os.availableParallelism()`), capped by its cgroup's CPU quota, which
 * Node 20's libuv does not read: in a container given one CPU on an 8-core
 * host, worker threads would only take turns on it, each with its own heap.
 * A fractional quota counts up (1.5 CPUs: 2).
 *
 * @example
 * ```ts
 * usableCores(); // 2 on this 2-core machine; 1 under `docker run --cpus=1` on any host
 * ```
 */
export function usableCores(read: ReadText = readText, available: number = availableParallelism()): number {
  const quota = cgroupCpuQuota(read);
  return quota === undefined ? available : Math.max(1, Math.min(available, Math.ceil(quota)));
}
