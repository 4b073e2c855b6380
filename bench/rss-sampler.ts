import { readFileSync } from 'node:fs';

/** VmRSS in bytes from the text of /proc/<pid>/status; null when absent (a zombie, another OS). */
export function parseVmRss(status: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : null;
}

/**
 * CPU seconds (user + system) a process has used, from the text of /proc/<pid>/stat;
 * null when unreadable. Fields 14 and 15 after the command name, in clock ticks.
 */
export function parseCpuSeconds(stat: string, ticksPerSecond = 100): number | null {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  return Number.isFinite(user) && Number.isFinite(system) ? (user + system) / ticksPerSecond : null;
}

function readCpuSeconds(pid: number): number | null {
  try {
    return parseCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

function readRss(pid: number): number | null {
  try {
    return parseVmRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

export interface RssSampler {
  /** Starts a new window (a measured run). */
  resetWindow(): void;
  /** Highest RSS since the last `resetWindow`; null when none could be read. */
  windowPeak(): number | null;
  /** CPU seconds the process used since the last `resetWindow`; null when unreadable. */
  windowCpuSeconds(): number | null;
  /** Highest RSS over the sampler's whole life. */
  lifetimePeak(): number | null;
  stop(): void;
}

/** Samples a process's resident set size every `intervalMs` (Linux /proc) while it runs. */
export function sampleRss(pid: number, intervalMs = 200): RssSampler {
  let window: number | null = null;
  let lifetime: number | null = null;
  let cpuAtReset = readCpuSeconds(pid);
  const sample = () => {
    const rss = readRss(pid);
    if (rss === null) return;
    window = Math.max(window ?? 0, rss);
    lifetime = Math.max(lifetime ?? 0, rss);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    resetWindow() {
      window = null;
      cpuAtReset = readCpuSeconds(pid);
      sample();
    },
    windowPeak() {
      sample();
      return window;
    },
    windowCpuSeconds() {
      const now = readCpuSeconds(pid);
      return now === null || cpuAtReset === null ? null : now - cpuAtReset;
    },
    lifetimePeak: () => lifetime,
    stop: () => clearInterval(timer),
  };
}
