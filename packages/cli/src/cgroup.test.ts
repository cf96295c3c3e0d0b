import { describe, expect, it } from 'vitest';
import { cgroupCpuQuota, cgroupMemoryLimitBytes, containerMemoryBudgetMb, usableCores, type ReadText } from './cgroup.js';

/** A file system of these files only: any other path cannot be read. */
function files(contents: Record<string, string>): ReadText {
  return (path) => {
    const text = contents[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    return text;
  };
}

const V1_PERIOD = '100000\n';

describe('usableCores', () => {
  it("caps the CPUs the process may run on by its cgroup's CPU quota (a container's, seen at the root), counting a fraction up", () => {
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': '100000 100000\n' }), 8)).toBe(1);
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' }), 8)).toBe(2);
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': '50000 100000\n' }), 8)).toBe(1);
    // A quota above the CPUs it may run on does not add any.
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': '1600000 100000\n' }), 4)).toBe(4);
  });

  it("reads the quota of the cgroup /proc/self/cgroup names, and the least of those above it (systemd's CPUQuota=)", () => {
    const v2 = files({
      '/proc/self/cgroup': '0::/system.slice/m3ugen.service\n',
      '/sys/fs/cgroup/system.slice/m3ugen.service/cpu.max': 'max 100000\n',
      '/sys/fs/cgroup/system.slice/cpu.max': '300000 100000\n',
    });
    expect(usableCores(v2, 8)).toBe(3);
    const v1 = files({
      '/proc/self/cgroup': '12:pids:/\n4:cpu,cpuacct:/m3ugen\n0::/\n',
      '/sys/fs/cgroup/cpu/m3ugen/cpu.cfs_quota_us': '100000\n',
      '/sys/fs/cgroup/cpu/m3ugen/cpu.cfs_period_us': V1_PERIOD,
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': V1_PERIOD,
    });
    expect(usableCores(v1, 8)).toBe(1);
  });

  it('takes no quota, or none readable, as none', () => {
    const v1 = (quota: string): ReadText => files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': `${quota}\n`, '/sys/fs/cgroup/cpu/cpu.cfs_period_us': V1_PERIOD });
    expect(usableCores(v1('200000'), 8)).toBe(2);
    expect(usableCores(v1('-1'), 8)).toBe(8);
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' }), 8)).toBe(8);
    expect(usableCores(files({}), 8)).toBe(8);
    expect(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'garbage' }))).toBeUndefined();
  });
});

describe('cgroupMemoryLimitBytes', () => {
  it("reads the least memory limit of the process's cgroup and those above it, v2 or v1", () => {
    expect(cgroupMemoryLimitBytes(files({ '/sys/fs/cgroup/memory.max': '268435456\n' }))).toBe(268_435_456);
    const v2 = files({
      '/proc/self/cgroup': '0::/system.slice/m3ugen.service\n',
      '/sys/fs/cgroup/system.slice/m3ugen.service/memory.max': '1073741824\n',
      '/sys/fs/cgroup/system.slice/memory.max': '536870912\n',
    });
    expect(cgroupMemoryLimitBytes(v2)).toBe(536_870_912);
    const v1 = files({
      '/proc/self/cgroup': '4:memory:/process_api/b51f\n0::/\n',
      '/sys/fs/cgroup/memory/process_api/b51f/memory.limit_in_bytes': '209715200\n',
      '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n',
    });
    expect(cgroupMemoryLimitBytes(v1)).toBe(209_715_200);
  });

  it('takes no limit ("max", v1\'s 2^63 rounded down to a page), or none readable, as none', () => {
    expect(cgroupMemoryLimitBytes(files({ '/sys/fs/cgroup/memory.max': 'max\n' }))).toBeUndefined();
    expect(cgroupMemoryLimitBytes(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n' }))).toBeUndefined();
    expect(cgroupMemoryLimitBytes(files({}))).toBeUndefined();
  });
});

describe('containerMemoryBudgetMb', () => {
  it('is the limit in MiB where it is below the default, else nothing (the default stands)', () => {
    const limited = (bytes: number): ReadText => files({ '/sys/fs/cgroup/memory.max': `${bytes}\n` });
    expect(containerMemoryBudgetMb(512, limited(256 * 2 ** 20))).toBe(256);
    expect(containerMemoryBudgetMb(512, limited(300_000_000))).toBe(286);
    expect(containerMemoryBudgetMb(512, limited(512 * 2 ** 20))).toBeUndefined();
    expect(containerMemoryBudgetMb(512, limited(8 * 2 ** 30))).toBeUndefined();
    expect(containerMemoryBudgetMb(512, files({}))).toBeUndefined();
  });
});
