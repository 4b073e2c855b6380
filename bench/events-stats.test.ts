import { describe, expect, it } from 'vitest';
import { rfc3339Millis, sampleSequences, summarizeEvents, type EventsWindow } from './events-stats.ts';

describe('rfc3339Millis', () => {
  it('when the time has nanosecond digits, then the fraction below the millisecond is kept', () => {
    expect(rfc3339Millis('2026-12-04T18:52:01.123456789Z')).toBeCloseTo(Date.UTC(2026, 11, 4, 18, 52, 1) + 123.456789, 5);
  });
  it('when the time has no fraction or an offset, then it is read as such', () => {
    expect(rfc3339Millis('2026-12-04T18:52:01Z')).toBe(Date.UTC(2026, 11, 4, 18, 52, 1));
    expect(rfc3339Millis('2026-12-04T19:52:01.5+01:00')).toBe(Date.UTC(2026, 11, 4, 18, 52, 1) + 500);
  });
  it('when the text is not such a time, then it is NaN', () => {
    expect(rfc3339Millis('yesterday')).toBeNaN();
  });
});

describe('sampleSequences', () => {
  it('when there are fewer messages than wanted, then every one is sampled', () => {
    expect(sampleSequences(10, 13, 100)).toEqual([11, 12, 13]);
  });
  it('when there are more, then the samples spread over the whole range', () => {
    const seqs = sampleSequences(0, 1000, 10);
    expect(seqs).toHaveLength(10);
    expect(seqs[0]).toBe(1);
    expect(seqs.at(-1)).toBeGreaterThan(900);
    expect(new Set(seqs).size).toBe(10);
  });
  it('when nothing was stored, then nothing is sampled', () => {
    expect(sampleSequences(5, 5, 10)).toEqual([]);
  });
});

describe('summarizeEvents', () => {
  const window = (over: Partial<EventsWindow>): EventsWindow => ({ scenario: 'order-place', seconds: 10, written: 1000, relayed: 900, latenciesMs: [], pendingAtEnd: 0, meanBytes: 700, ...over });

  it('when one window is given, then the rates are per second and the percentiles of its samples', () => {
    const latenciesMs = Array.from({ length: 100 }, (_, i) => i + 1);
    const summary = summarizeEvents([window({ latenciesMs, pendingAtEnd: 12 })]);
    expect(summary.writtenPerSecond).toBe(100);
    expect(summary.relayedPerSecond).toBe(90);
    expect(summary.latencyP50Ms).toBe(50);
    expect(summary.latencyP99Ms).toBe(99);
    expect(summary.sampled).toBe(100);
    expect(summary.pendingAtEnd).toBe(12);
  });
  it('when rounds are given, then rates are medians, samples are pooled and the largest backlog is kept', () => {
    const summary = summarizeEvents([window({ relayed: 500, latenciesMs: [1], pendingAtEnd: 3 }), window({ relayed: 700, latenciesMs: [2] }), window({ relayed: 900, latenciesMs: [3] })]);
    expect(summary.rounds).toBe(3);
    expect(summary.relayedPerSecond).toBe(70);
    expect(summary.sampled).toBe(3);
    expect(summary.latencyP50Ms).toBe(2);
    expect(summary.pendingAtEnd).toBe(3);
  });
});
