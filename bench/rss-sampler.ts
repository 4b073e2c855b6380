import { readFileSync } from 'node:fs';

/** VmRSS in bytes from the text of /proc/<pid>/status; null when absent (a zombie, another OS). */
export function parseVmRss(status: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : null;
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
  /** Highest RSS over the sampler's whole life. */
  lifetimePeak(): number | null;
  stop(): void;
}

/** Samples a process's resident set size every `intervalMs` (Linux /proc) while it runs. */
export function sampleRss(pid: number, intervalMs = 200): RssSampler {
  let window: number | null = null;
  let lifetime: number | null = null;
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
      sample();
    },
    windowPeak() {
      sample();
      return window;
    },
    lifetimePeak: () => lifetime,
    stop: () => clearInterval(timer),
  };
}
