import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../cmd/shared/project-paths.ts';
import { readContainerLimits } from './container-limits.ts';

const fixture = (name: string) => join(PROJECT_ROOT, 'test', 'fixtures', 'cgroup', name);

describe('reading the container limits', () => {
  it('when cgroup v2 limits memory to 384 MiB and CPU to 50000/100000, then 384 MiB and half a CPU are read', () => {
    expect(readContainerLimits(fixture('v2-limited'))).toEqual({ cgroup: 'v2', memoryBytes: 384 * 1024 * 1024, cpus: 0.5 });
  });

  it('when cgroup v2 says max for both, then there is no limit', () => {
    expect(readContainerLimits(fixture('v2-unlimited'))).toEqual({ cgroup: 'v2', memoryBytes: undefined, cpus: undefined });
  });

  it('when cgroup v1 limits memory to 512 MiB and the quota is two periods, then 512 MiB and 2 CPUs are read', () => {
    expect(readContainerLimits(fixture('v1-limited'))).toEqual({ cgroup: 'v1', memoryBytes: 512 * 1024 * 1024, cpus: 2 });
  });

  it('when cgroup v1 writes its no-limit values (a 63-bit number, quota -1), then there is no limit', () => {
    expect(readContainerLimits(fixture('v1-unlimited'))).toEqual({ cgroup: 'v1', memoryBytes: undefined, cpus: undefined });
  });

  it('when there is no cgroup mount at all, then nothing is limited', () => {
    expect(readContainerLimits(fixture('no-such-mount'))).toEqual({ cgroup: 'none', memoryBytes: undefined, cpus: undefined });
  });
});
