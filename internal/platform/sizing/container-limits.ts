import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The limits the kernel puts on this process's container, as read from its cgroup. */
export interface ContainerLimits {
  readonly cgroup: 'v2' | 'v1' | 'none';
  /** Bytes the container may use (memory.max / memory.limit_in_bytes); undefined when unlimited. */
  readonly memoryBytes: number | undefined;
  /** CPUs the container's quota allows (quota / period, e.g. 0.5); undefined when unlimited. */
  readonly cpus: number | undefined;
}

// cgroup v1 writes "no limit" as the largest page-aligned 63-bit number; anything this large is no limit.
const V1_UNLIMITED = 2 ** 60;

/**
 * Reads the memory and CPU limits at `root` (the cgroup mount, /sys/fs/cgroup; inside a
 * container the cgroup namespace makes it the container's own). cgroup v2 has
 * `cgroup.controllers` at its root, `memory.max` and `cpu.max` ("max 100000" or
 * "50000 100000"); v1 has a folder per controller (`memory/memory.limit_in_bytes`,
 * `cpu/cpu.cfs_quota_us` and `cpu.cfs_period_us`, -1 for no quota).
 */
export function readContainerLimits(root = '/sys/fs/cgroup'): ContainerLimits {
  if (existsSync(join(root, 'cgroup.controllers'))) {
    const memory = readText(join(root, 'memory.max'));
    const [quota, period] = (readText(join(root, 'cpu.max')) ?? 'max').split(/\s+/);
    return {
      cgroup: 'v2',
      memoryBytes: memory === undefined || memory === 'max' ? undefined : positive(Number(memory)),
      cpus: quota === undefined || quota === 'max' ? undefined : positive(Number(quota) / Number(period ?? 100_000)),
    };
  }
  const memoryFile = join(root, 'memory', 'memory.limit_in_bytes');
  const cpuDir = ['cpu', 'cpu,cpuacct', 'cpuacct,cpu'].map((name) => join(root, name)).find((dir) => existsSync(join(dir, 'cpu.cfs_quota_us')));
  if (!existsSync(memoryFile) && cpuDir === undefined) return { cgroup: 'none', memoryBytes: undefined, cpus: undefined };
  const memory = Number(readText(memoryFile) ?? Number.NaN);
  const quota = cpuDir === undefined ? -1 : Number(readText(join(cpuDir, 'cpu.cfs_quota_us')));
  const period = cpuDir === undefined ? 100_000 : Number(readText(join(cpuDir, 'cpu.cfs_period_us')) ?? 100_000);
  return {
    cgroup: 'v1',
    memoryBytes: memory >= V1_UNLIMITED ? undefined : positive(memory),
    cpus: quota > 0 ? positive(quota / period) : undefined,
  };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function positive(value: number): number | undefined {
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
