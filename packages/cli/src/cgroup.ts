/*
 * What a container runtime or a service manager allows this process, read
 * from its cgroup: Node 20 counts the host's CPUs and memory, not the
 * cgroup's quota and limit, so `--workers auto` and the memory budget would
 * plan for a machine the process does not have.
 */
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

/** `value` where it is a finite number above 0 (a limit that is set), else `undefined` (`max`, -1, unreadable text). */
function positive(value: number): number | undefined {
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** CPUs by the text of a cgroup v2 `cpu.max` (`200000 100000`; `max 100000`: none). */
function cpusOfCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  return positive(Number(quota) / Number(period));
}

/** CPUs by a cgroup v1 folder's `cpu.cfs_quota_us` over `cpu.cfs_period_us` (a quota of -1: none). */
function cpusOfCfsQuota(read: ReadText, folder: string): number | undefined {
  return positive(Number(read(`${folder}/cpu.cfs_quota_us`).trim()) / Number(read(`${folder}/cpu.cfs_period_us`).trim()));
}

/** The folders of this process's cgroup in the v2 hierarchy and in v1's `controller` one, by `/proc/self/cgroup` (`/` where it says none). */
function ownCgroups(read: ReadText, controller: string): { v2: string; v1: string } {
  const own = { v2: '/', v1: '/' };
  try {
    for (const line of read('/proc/self/cgroup').split('\n')) {
      const [id, controllers, path] = line.split(':');
      if (path === undefined || !path.startsWith('/')) continue;
      if (id === '0' && controllers === '') own.v2 = path;
      else if (controllers?.split(',').includes(controller)) own.v1 = path;
    }
  } catch {
    // No /proc: the roots alone.
  }
  return own;
}

/**
 * The least of the values `valueAt` finds in the cgroup folders given (each
 * as `/sys/fs/cgroup` + its path, and those above it): a limit set on a
 * parent binds its children too. Folders without the file are passed over.
 */
function leastAbove(folders: readonly string[], valueAt: (folder: string) => number | undefined): number | undefined {
  let least: number | undefined;
  for (const folder of folders) {
    try {
      const found = valueAt(folder === '/' ? '' : folder);
      if (found !== undefined && (least === undefined || found < least)) least = found;
    } catch {
      // No such cgroup file here (another version, or a path outside this mount).
    }
  }
  return least;
}

/** The least of the values that are set, or `undefined` if none is. */
function leastOf(...values: (number | undefined)[]): number | undefined {
  const set = values.filter((value): value is number => value !== undefined);
  return set.length === 0 ? undefined : Math.min(...set);
}

/**
 * The least limit set on this process's cgroups and those above them: in
 * the v2 hierarchy (`v2At` of each folder under `/sys/fs/cgroup`) and in
 * v1's `controller` one (`v1At` of each folder under
 * `/sys/fs/cgroup/controller`).
 */
function leastLimit(read: ReadText, controller: string, v2At: (folder: string) => number | undefined, v1At: (folder: string) => number | undefined): number | undefined {
  const own = ownCgroups(read, controller);
  return leastOf(
    leastAbove(selfAndAncestors(own.v1), (folder) => v1At(`/sys/fs/cgroup/${controller}${folder}`)),
    leastAbove(selfAndAncestors(own.v2), (folder) => v2At(`/sys/fs/cgroup${folder}`)),
  );
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
 *
 * @example
 * ```ts
 * cgroupCpuQuota(); // 1.5 under `docker run --cpus=1.5`; undefined on a host
 * ```
 */
export function cgroupCpuQuota(read: ReadText = readText): number | undefined {
  return leastLimit(read, 'cpu', (folder) => cpusOfCpuMax(read(`${folder}/cpu.max`)), (folder) => cpusOfCfsQuota(read, folder));
}

/**
 * Bytes by the text of a memory limit file, where a limit is set: not v2's
 * `max`, nor v1's "unlimited" (2^63 rounded down to a page, past what a
 * number holds exactly).
 */
function bytesOf(text: string): number | undefined {
  const value = Number(text.trim());
  return Number.isSafeInteger(value) ? positive(value) : undefined;
}

/**
 * The memory this process's cgroup may use, in bytes: the least limit of its
 * cgroup and those above it (cgroup v2's `memory.max`, v1's
 * `memory.limit_in_bytes`), as `docker run -m 256m`, a Kubernetes memory
 * limit or systemd's `MemoryMax=` sets it; `undefined` where none is set or
 * readable.
 *
 * @example
 * ```ts
 * cgroupMemoryLimitBytes(); // 268_435_456 under `docker run -m 256m`; undefined on a host
 * ```
 */
export function cgroupMemoryLimitBytes(read: ReadText = readText): number | undefined {
  return leastLimit(read, 'memory', (folder) => bytesOf(read(`${folder}/memory.max`)), (folder) => bytesOf(read(`${folder}/memory.limit_in_bytes`)));
}

/**
 * The memory budget (`max_memory_mb`) for a run that sets none: the
 * cgroup's memory limit in MiB where it is below `defaultMb`, else
 * `undefined` (the default stands). Under `docker run -m 256m` the default
 * 512 would let a run, or its worker threads, plan for memory the
 * container does not have, and be killed for it.
 *
 * @example
 * ```ts
 * containerMemoryBudgetMb(512); // 256 under `docker run -m 256m`; undefined on a host
 * ```
 */
export function containerMemoryBudgetMb(defaultMb: number, read: ReadText = readText): number | undefined {
  const limit = cgroupMemoryLimitBytes(read);
  if (limit === undefined) return undefined;
  const mb = Math.floor(limit / 2 ** 20);
  return mb < defaultMb ? Math.max(1, mb) : undefined;
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
