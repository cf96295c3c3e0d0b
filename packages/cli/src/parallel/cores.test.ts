import { describe, expect, it } from 'vitest';
import { cgroupCpuQuota, usableCores, type ReadText } from './cores.js';

/** A file system of these files only: any other path cannot be read. */
function files(contents: Record<string, string>): ReadText {
  return (path) => {
    const text = contents[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    return text;
  };
}

describe('usableCores', () => {
  it("caps the CPUs the process may run on by its cgroup's CPU quota, counting a fraction up", () => {
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': '100000 100000\n' }), 8)).toBe(1);
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' }), 8)).toBe(2);
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': '50000 100000\n' }), 8)).toBe(1);
    // A quota above the CPUs it may run on does not add any.
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': '1600000 100000\n' }), 4)).toBe(4);
  });

  it('reads cgroup v1 where v2 is not there, and takes no quota as none', () => {
    const v1 = (quota: string): ReadText => files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': `${quota}\n`, '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' });
    expect(usableCores(v1('200000'), 8)).toBe(2);
    expect(usableCores(v1('-1'), 8)).toBe(8);
    expect(usableCores(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' }), 8)).toBe(8);
    expect(usableCores(files({}), 8)).toBe(8);
    expect(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'garbage' }))).toBeUndefined();
  });
});
