import { randomBytes } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../internal/platform/logger/logger.ts';
import { startPaymentSandbox, type RunningPaymentSandbox } from '../../../internal/sandbox/payment-gateway/start-sandbox.ts';
import { until } from '../../support/crash.ts';
import { createProduct, placeOrderBody, uniqueKey } from '../../support/orders-api.ts';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';

type LogLine = Record<string, unknown>;
interface GatewayRequestSeen {
  readonly method: string;
  readonly path: string;
  readonly traceparent: string | undefined;
}

/** A service with its own payment sandbox (which records what it receives), its log lines and its spans. */
interface World {
  readonly app: TestApp;
  readonly sandbox: RunningPaymentSandbox;
  readonly spans: InMemorySpanExporter;
  readonly lines: LogLine[];
  readonly gatewaySaw: GatewayRequestSeen[];
  readonly admin: SignedIn;
  readonly customer: SignedIn;
  stop(): Promise<void>;
}

async function startWorld(env: Record<string, string>, options: { redis?: boolean } = {}): Promise<World> {
  const gatewaySaw: GatewayRequestSeen[] = [];
  const sandbox = await startPaymentSandbox({ port: 0, onApiRequest: (request) => void gatewaySaw.push(request) });
  const lines: LogLine[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
  const spans = new InMemorySpanExporter();
  let app: TestApp;
  try {
    app = await startTestApp({ PAYMENT_GATEWAY_URL: sandbox.url, JOBS_POLL_INTERVAL_MS: '500', ...env }, { logger, spanExporter: spans, redis: options.redis ?? false });
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  const [admin, customer] = await Promise.all([app.admin(), app.customer()]);
  return {
    app,
    sandbox,
    spans,
    lines,
    gatewaySaw,
    admin,
    customer,
    async stop() {
      try {
        await app.stop();
      } finally {
        await sandbox.stop();
      }
    },
  };
}

const newTraceId = () => randomBytes(16).toString('hex');
const newSpanId = () => randomBytes(8).toString('hex');
const traceparentOf = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;

async function placeOrder(world: World, traceparent: string): Promise<{ id: string; requestId: string | null }> {
  const product = await createProduct(world.admin);
  const { data, response } = await world.customer.api.POST('/v1/orders', {
    params: { header: { 'Idempotency-Key': uniqueKey('trace') } },
    headers: { traceparent },
    body: placeOrderBody({ lines: [product.id] }),
  });
  expect(response.status).toBe(201);
  return { id: data!.id, requestId: response.headers.get('x-request-id') };
}

function spansOf(world: World, traceId: string): ReadableSpan[] {
  return world.spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
}

/** Waits for a finished span of the trace that `matches` (spans end a moment after the response). */
function spanOf(world: World, traceId: string, what: string, matches: (span: ReadableSpan) => boolean): Promise<ReadableSpan> {
  return until(what, () => Promise.resolve(spansOf(world, traceId).find(matches)), { timeoutMs: 15_000 });
}

describe('tracing on', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ TRACING_ENABLED: 'true' }, { redis: true });
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('when an order is placed with a traceparent, then the request, its use-cases, its SQL and the payment call are spans of that trace, the gateway gets it, and the log lines carry it', async () => {
    const traceId = newTraceId();
    const callerSpanId = newSpanId();

    const order = await placeOrder(world, traceparentOf(traceId, callerSpanId));

    expect(order.requestId).toBe(traceId);
    const server = await spanOf(world, traceId, 'the server span', (span) => span.kind === SpanKind.SERVER);
    expect(server.name).toBe('POST /v1/orders');
    expect(server.parentSpanContext?.spanId).toBe(callerSpanId);
    expect(server.attributes['http.response.status_code']).toBe(201);
    const names = spansOf(world, traceId).map((span) => span.name);
    expect(names).toEqual(expect.arrayContaining(['PlaceOrder']));
    const insert = spansOf(world, traceId).find((span) => span.attributes['db.system.name'] === 'postgresql' && span.name === 'with insert orders');
    expect(insert?.kind).toBe(SpanKind.CLIENT);
    expect(insert?.attributes['db.query.text']).toMatch(/INSERT INTO orders \(/);
    expect(insert?.attributes['db.query.text']).not.toContain(order.id);
    const payment = spansOf(world, traceId).find((span) => span.name === 'POST /v1/authorizations');
    expect(payment).toMatchObject({ kind: SpanKind.CLIENT, attributes: expect.objectContaining({ 'http.response.status_code': 201 }) });
    const authorize = world.gatewaySaw.find((request) => request.method === 'POST' && request.traceparent?.includes(traceId));
    expect(authorize?.traceparent).toBe(`00-${traceId}-${payment!.spanContext().spanId}-01`);
    const accessLine = world.lines.find((line) => line.msg === 'request completed' && line.trace_id === traceId);
    expect(accessLine).toMatchObject({ method: 'POST', route: '/v1/orders', status: 201 });
    const linesAboutTheOrder = world.lines.filter((line) => line.order_id === order.id);
    for (const line of linesAboutTheOrder) expect(line.trace_id).toBe(traceId);
  });

  it('when a paid order enqueues its confirmation, then the job runs in the trace of the request that placed it, and its log lines carry that trace id', async () => {
    const traceId = newTraceId();

    const order = await placeOrder(world, traceparentOf(traceId, newSpanId()));

    const job = await spanOf(world, traceId, 'the confirmation job span', (span) => span.name === 'job order-confirmation');
    expect(job.kind).toBe(SpanKind.CONSUMER);
    const jobSql = spansOf(world, traceId).filter((span) => span.parentSpanContext?.spanId === job.spanContext().spanId && span.attributes['db.system.name'] === 'postgresql');
    expect(jobSql.length).toBeGreaterThan(0);
    const sent = await until('the confirmation log line', () => Promise.resolve(world.lines.find((line) => line.order_id === order.id && line.msg === 'order confirmation sent')));
    expect(sent).toMatchObject({ trace_id: traceId, queue: 'order-confirmation' });
  });

  it('when a product is read through the Redis cache, then its Redis commands are spans of the request named by command only', async () => {
    const product = await createProduct(world.admin);
    const traceId = newTraceId();

    const response = await fetch(`${world.app.baseUrl}/v1/products/${product.id}`, { headers: { traceparent: traceparentOf(traceId, newSpanId()) } });

    expect(response.status).toBe(200);
    await spanOf(world, traceId, 'the server span', (span) => span.kind === SpanKind.SERVER);
    const redis = spansOf(world, traceId).filter((span) => span.attributes['db.system.name'] === 'redis');
    expect(redis.length).toBeGreaterThan(0);
    for (const span of redis) {
      expect(span.name).toMatch(/^[A-Z]+$/);
      expect(JSON.stringify(span.attributes)).not.toContain(product.id);
    }
  });

  it('when a scheduled run starts, then it is a trace of its own with its use-case and statements as spans', async () => {
    const run = await until('the span of the recovery run at start', () =>
      Promise.resolve(world.spans.getFinishedSpans().find((span) => span.name === 'schedule recover-pending-orders')),
    );

    expect(run.parentSpanContext).toBeUndefined();
    const inRun = spansOf(world, run.spanContext().traceId);
    expect(inRun.find((span) => span.name === 'RecoverPendingOrders')?.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    expect(inRun.some((span) => span.attributes['db.system.name'] === 'postgresql')).toBe(true);
  });

  it('when a request comes without a traceparent, then X-Request-Id is the trace id of its server span', async () => {
    const response = await fetch(`${world.app.baseUrl}/healthz`);

    const requestId = response.headers.get('x-request-id') ?? '';
    expect(requestId).toMatch(/^[\da-f]{32}$/);
    const server = await spanOf(world, requestId, 'the server span', (span) => span.kind === SpanKind.SERVER);
    expect(server.name).toBe('GET /healthz');
    expect(server.parentSpanContext).toBeUndefined();
  });
});

describe('tracing off (the default)', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({});
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('when an order is placed with a traceparent, then nothing is recorded, the order succeeds and the gateway still gets the trace id', async () => {
    const traceId = newTraceId();

    const order = await placeOrder(world, traceparentOf(traceId, newSpanId()));

    expect(order.requestId).toBe(traceId);
    const authorize = world.gatewaySaw.find((request) => request.method === 'POST' && request.path === '/v1/authorizations' && request.traceparent?.includes(traceId));
    expect(authorize?.traceparent).toMatch(new RegExp(`^00-${traceId}-[\\da-f]{16}-00$`));
    await until('the confirmation log line', () => Promise.resolve(world.lines.find((line) => line.order_id === order.id && line.msg === 'order confirmation sent')));
    expect(world.lines.find((line) => line.msg === 'request completed' && line.trace_id === traceId)).toBeDefined();
    expect(world.spans.getFinishedSpans()).toEqual([]);
  });
});
