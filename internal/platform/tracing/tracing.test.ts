import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { startTracing, tracesUrl, type TracingSettings } from './tracing.ts';

const settings: TracingSettings = {
  endpoint: 'http://localhost:4318',
  tracesEndpoint: '',
  sampleRatio: 1,
  serviceName: 'ordersvc-test',
  serviceVersion: '0.0.0',
  exportTimeoutMs: 1_000,
};

describe('tracing setup', () => {
  it.each([
    ['only the base URL is set', { endpoint: 'http://collector:4318', tracesEndpoint: '' }, 'http://collector:4318/v1/traces'],
    ['the base URL ends in a slash', { endpoint: 'http://collector:4318/', tracesEndpoint: '' }, 'http://collector:4318/v1/traces'],
    ['the traces URL is set', { endpoint: 'http://collector:4318', tracesEndpoint: 'https://traces.example/otlp' }, 'https://traces.example/otlp'],
  ])('when %s, then spans are sent to the URL the OTLP rules give', (_, urls, expected) => {
    expect(tracesUrl(urls)).toBe(expected);
  });

  it('when tracing is started twice, then the second start is refused, and once shut down it can start again', async () => {
    const first = startTracing(settings, { exporter: new InMemorySpanExporter() });

    expect(() => startTracing(settings, { exporter: new InMemorySpanExporter() })).toThrow(/already registered/);
    await first.shutdown();
    const exporter = new InMemorySpanExporter();
    const second = startTracing(settings, { exporter });
    trace.getTracer('test').startSpan('after restart').end();
    // Read before shutdown: the in-memory exporter forgets its spans when it is shut down.
    const finished = exporter.getFinishedSpans();
    await second.shutdown();

    expect(finished.map((span) => span.name)).toEqual(['after restart']);
    expect(finished[0]?.resource.attributes['service.name']).toBe('ordersvc-test');
  });
});
