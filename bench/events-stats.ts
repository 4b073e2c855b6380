import { percentile } from './call-stats.ts';
import { median } from './stats.ts';

/**
 * Milliseconds since the epoch of an RFC 3339 time with up to nanosecond
 * digits, as JetStream stamps a stored message (`2026-12-04T18:52:01.123456789Z`);
 * Date.parse would drop everything below the millisecond. NaN when unreadable.
 */
export function rfc3339Millis(text: string): number {
  const match = /^(.+T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) return Number.NaN;
  const [, whole, fraction = '', zone] = match;
  const seconds = Date.parse(`${whole}${zone}`);
  return seconds + (fraction === '' ? 0 : Number(`0.${fraction}`) * 1000);
}

/** The events of one order-placement window: what the service wrote to its outbox and what reached the stream. */
export interface EventsWindow {
  readonly scenario: string;
  readonly seconds: number;
  /** Outbox rows created within the window. */
  readonly written: number;
  /** Messages the stream stored within the window (its last sequence at the end minus at the start). */
  readonly relayed: number;
  /** commit → in the stream, in ms, of the sampled messages. */
  readonly latenciesMs: readonly number[];
  /** Outbox rows still unpublished when the window closed: the relay's backlog. */
  readonly pendingAtEnd: number;
  /** Mean size of the sampled messages, bytes. */
  readonly meanBytes: number;
}

/** One window's figures, or the medians of several rounds' (the samples of every round pooled for the percentiles). */
export interface EventsSummary {
  readonly scenario: string;
  readonly rounds: number;
  readonly writtenPerSecond: number;
  readonly relayedPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly sampled: number;
  /** The largest backlog left at the end of a window. */
  readonly pendingAtEnd: number;
  readonly meanBytes: number;
}

export function summarizeEvents(windows: readonly EventsWindow[]): EventsSummary {
  const first = windows[0];
  if (!first) throw new Error('no event windows to summarize');
  const latencies = windows.flatMap((w) => w.latenciesMs).sort((a, b) => a - b);
  const rate = (count: (w: EventsWindow) => number) => median(windows.map((w) => (w.seconds > 0 ? count(w) / w.seconds : Number.NaN)));
  return {
    scenario: first.scenario,
    rounds: windows.length,
    writtenPerSecond: rate((w) => w.written),
    relayedPerSecond: rate((w) => w.relayed),
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    sampled: latencies.length,
    pendingAtEnd: Math.max(...windows.map((w) => w.pendingAtEnd)),
    meanBytes: median(windows.map((w) => w.meanBytes)),
  };
}

/** Up to `most` sequence numbers spread evenly over (after, last]: the messages whose latency is sampled. */
export function sampleSequences(after: number, last: number, most: number): number[] {
  const count = last - after;
  if (count <= 0 || most <= 0) return [];
  if (count <= most) return Array.from({ length: count }, (_, i) => after + 1 + i);
  const step = count / most;
  return Array.from({ length: most }, (_, i) => after + 1 + Math.floor(i * step));
}
