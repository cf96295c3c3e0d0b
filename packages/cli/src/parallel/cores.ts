import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Reads a file's text; throws when it cannot. */
export type ReadText = (path: string) => string;

const readText: ReadText = (path) => readFileSync(path, 'utf8');

/** `/a/b` and its ancestors: `/a/b`, `/a`, `/`. */
function selfAndAncestors(path: string): string[] {
  const found = [path];
  for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) found.push(path.slice(0, at));
  if (path !== '/') found.push('/');
  return found;
}

/** CPUs by the text of a cgroup v2 `cpu.max` (`200000 100000`; `max 100000`: none). */
function cpusOfCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  const cpus = Number(quota) / Number(period);
  return Number.isFinite(cpus) && cpus > 0 ? cpus : undefined;
}

/** CPUs by a cgroup v1 folder's `cpu.cfs_quota_us` over `cpu.cfs_period_us` (a quota of -1: none). */
function cpusOfCfsQuota(read: ReadText, folder: string): number | undefined {
  const cpus = Number(read(`${folder}/cpu.cfs_quota_us`).trim()) / Number(read(`${folder}/cpu.cfs_period_us`).trim());
  return Number.isFinite(cpus) && cpus > 0 ? cpus : undefined;
}

/**
 * The CPUs this process's cgroup may use by its quota, as a container runtime
 * (`docker run --cpus=1.5`, a Kubernetes CPU limit) or a service manager
 * (systemd's `CPUQuota=`) sets it: the least quota of its cgroup and those
 * above it, read from cgroup v2's `cpu.max` or cgroup v1's
 * `cpu.cfs_quota_us` over `cpu.cfs_period_us`, at the path
 * `/proc/self/cgroup` names and at the root of the mounted hierarchy (a
 * container sees its own cgroup there); `undefined` where none is set or
 * readable.
 */
export function cgroupCpuQuota(read: ReadText = readText): number | undefined {
  let v2 = '/';
  let v1 = '/';
  try {
    for (const line of read('/proc/self/cgroup').split('\n')) {
      const [id, controllers, path] = line.split(':');
      if (path === undefined || !path.startsWith('/')) continue;
      if (id === '0' && controllers === '') v2 = path;
      else if (controllers?.split(',').includes('cpu')) v1 = path;
    }
  } catch {
    // No /proc: the roots alone.
  }
  let least: number | undefined;
  const consider = (cpus: () => number | undefined): void => {
    try {
      const found = cpus();
      if (found !== undefined && (least === undefined || found < least)) least = found;
    } catch {
      // No such cgroup file here (another version, or a path outside this mount).
    }
  };
  for (const folder of selfAndAncestors(v2)) consider(() => cpusOfCpuMax(read(`/sys/fs/cgroup${folder === '/' ? '' : folder}/cpu.max`)));
  for (const folder of selfAndAncestors(v1)) consider(() => cpusOfCfsQuota(read, `/sys/fs/cgroup/cpu${folder === '/' ? '' : folder}`));
  return least;
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
