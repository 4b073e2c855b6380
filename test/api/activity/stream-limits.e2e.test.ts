import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityBurst, untilHolds } from '../../support/activity-writes.ts';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';
import { openSse, type SseStream } from './sse-client.ts';

const BUFFER_EVENTS = 50;
let app: TestApp;
const streams: SseStream[] = [];

beforeAll(async () => {
  // Long heartbeats: a stalled client here is cut off by its overflowing buffer, not by the stall timer.
  app = await startTestApp({ ACTIVITY_BUFFER_EVENTS: String(BUFFER_EVENTS), ACTIVITY_HEARTBEAT_MS: '60000', ACTIVITY_MAX_SUBSCRIBERS: '3' });
});

afterAll(async () => {
  for (const stream of streams) stream.close();
  await app?.stop();
});

async function stream(target: TestApp, who: SignedIn): Promise<SseStream> {
  const opened = await openSse(`${target.baseUrl}/v1/users/${who.user.id}/activity/stream`, { authorization: `Bearer ${who.token}` });
  streams.push(opened);
  return opened;
}

/** A raw HTTP client that sends the request and then reads nothing (until told to). */
async function stalledClient(target: TestApp, who: SignedIn): Promise<{ socket: Socket; closed: Promise<unknown>; received: () => number }> {
  const socket = connect(target.service.port, '127.0.0.1');
  await once(socket, 'connect');
  const closed = once(socket, 'close');
  // A reset from the server surfaces as an error once the client reads again.
  socket.on('error', () => undefined);
  let received = 0;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  socket.write(`GET /v1/users/${who.user.id}/activity/stream HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${who.token}\r\nAccept: text/event-stream\r\n\r\n`);
  socket.pause();
  return { socket, closed, received: () => received };
}

describe('slow and stalled subscribers', () => {
  it('when a subscriber never reads while many events arrive, then the server cuts it off and its memory stays bounded', async () => {
    const customer = await app.customer();
    const { socket, closed, received } = await stalledClient(app, customer);
    await untilHolds(() => app.service.activityStats().subscribers === 1, 'the stalled subscriber to be registered');
    // The server has let go of the subscriber (a paused client cannot see its socket close yet).
    let cut = false;
    const dropped = () => (cut ||= app.service.activityStats().subscribers === 0);
    let maxBuffered = 0;
    const sampler = setInterval(() => (maxBuffered = Math.max(maxBuffered, app.service.activityStats().bufferedEvents)), 5);
    const heapBefore = process.memoryUsage().heapUsed;

    // ~8 KB per event, 400 per burst: far more than the socket buffers and the subscriber's buffer together hold.
    let produced = 0;
    try {
      for (let round = 0; round < 40 && !dropped(); round += 1) {
        await activityBurst(app, customer.user.id, 400);
        produced += 400;
      }
      await untilHolds(dropped, 'the server to drop the stalled subscriber');
      // Reading again, the client finds the connection closed by the server after what was already in flight.
      socket.resume();
      await closed;
    } finally {
      clearInterval(sampler);
      socket.destroy();
    }

    expect(received()).toBeLessThan(produced * 8_000);
    expect(produced).toBeGreaterThan(BUFFER_EVENTS * 10);
    expect(maxBuffered).toBeLessThanOrEqual(BUFFER_EVENTS);
    expect(app.service.activityStats()).toEqual({ subscribers: 0, users: 0, bufferedEvents: 0 });
    // Nothing like the megabytes produced stayed behind (generous: the heap is shared with the test).
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(produced * 8_000);
  });

  it('when a reading subscriber is behind by thousands of events, then it catches up at its own pace without being cut off', async () => {
    const customer = await app.customer();
    const [registered] = (await customer.api.GET('/v1/users/{id}/activity', { params: { path: { id: customer.user.id } } })).data!.items;
    await activityBurst(app, customer.user.id, 1_000);

    const resumed = await openSse(`${app.baseUrl}/v1/users/${customer.user.id}/activity/stream`, {
      authorization: `Bearer ${customer.token}`,
      'last-event-id': registered!.id,
    });
    streams.push(resumed);
    const events = await resumed.until(1_000, 20_000);

    expect(new Set(events.map((event) => event.id)).size).toBe(1_000);
    resumed.close();
  });
});

describe('limits and shutdown', () => {
  it('when the instance serves its most streams, then one more is 503 TOO_MANY_STREAMS with Retry-After, and a freed slot is usable again', async () => {
    await untilHolds(() => app.service.activityStats().subscribers === 0, 'earlier streams to be gone');
    const customer = await app.customer();
    const open = await Promise.all([stream(app, customer), stream(app, customer), stream(app, customer)]);
    expect(open.map((s) => s.status)).toEqual([200, 200, 200]);

    const refused = await fetch(`${app.baseUrl}/v1/users/${customer.user.id}/activity/stream`, { headers: { authorization: `Bearer ${customer.token}` } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.json()).toMatchObject({ code: 'TOO_MANY_STREAMS' });

    open[0].close();
    await untilHolds(() => app.service.activityStats().subscribers === 2, 'the closed stream to free its slot');
    const again = await stream(app, customer);
    expect(again.status).toBe(200);
    for (const s of [...open, again]) s.close();
    await untilHolds(() => app.service.activityStats().subscribers === 0, 'all streams to be gone');
  });

  it('when the service shuts down with streams open, then they end cleanly and the shutdown does not wait out the grace period', async () => {
    const other = await startTestApp({ SHUTDOWN_GRACE_MS: '10000' }, { database: app.database });
    const customer = await other.customer();
    const open = await Promise.all([stream(other, customer), stream(other, customer)]);
    await Promise.all(open.map((s) => s.when((x) => x.retry !== undefined, 'the stream to open')));

    const started = performance.now();
    await other.stop();

    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await Promise.all(open.map((s) => s.ended))).toEqual(['clean', 'clean']);
  });
});

describe('streams per user', () => {
  let capped: TestApp;

  beforeAll(async () => {
    capped = await startTestApp({ ACTIVITY_MAX_STREAMS_PER_USER: '2', ACTIVITY_MAX_SUBSCRIBERS: '4', ACTIVITY_HEARTBEAT_MS: '60000' });
  });

  afterAll(async () => {
    for (const s of streams) s.close();
    await capped?.stop();
  });

  it('when one customer opens more streams than one user may, then the excess is 429 problem+json and another customer still gets streams', async () => {
    const greedy = await capped.customer();
    const other = await capped.customer();
    const held = await Promise.all([stream(capped, greedy), stream(capped, greedy)]);

    const excess = await fetch(`${capped.baseUrl}/v1/users/${greedy.user.id}/activity/stream`, { headers: { authorization: `Bearer ${greedy.token}` } });
    const others = await Promise.all([stream(capped, other), stream(capped, other)]);

    expect(held.map((s) => s.status)).toEqual([200, 200]);
    expect(excess.status).toBe(429);
    expect(excess.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(excess.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await excess.json()).toMatchObject({ code: 'TOO_MANY_STREAMS_FOR_USER', status: 429, limit: 2 });
    expect(others.map((s) => s.status)).toEqual([200, 200]);
    expect(capped.service.activityStats().subscribers).toBe(4);
  });

  it('when the instance total is reached by users within their share, then a third customer gets 503, and a closed stream gives its owner a slot back', async () => {
    const third = await capped.customer();

    const refused = await fetch(`${capped.baseUrl}/v1/users/${third.user.id}/activity/stream`, { headers: { authorization: `Bearer ${third.token}` } });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'TOO_MANY_STREAMS' });

    for (const s of streams.splice(0)) s.close();
    await untilHolds(() => capped.service.activityStats().subscribers === 0, 'the streams to be gone');
    const again = await stream(capped, third);
    expect(again.status).toBe(200);
    again.close();
  });
});
