import { connect, constants as http2 } from 'node:http2';
import * as grpcJs from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchUserActivityRequest } from '../../../internal/transport/grpc/generated/ordersvc/v1/activity.ts';
import { createLogger } from '../../../internal/platform/logger/logger.ts';
import { grpcClients, type GrpcClients } from '../../support/grpc-client.ts';
import { activityBurst, renameUser, untilHolds } from '../../support/activity-writes.ts';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';

// Instance A serves the watches; instance B shares its database and takes the REST changes.
const BUFFER_EVENTS = 20;
const STALL_MS = 400;
let a: TestApp;
let b: TestApp;
const logs: Record<string, unknown>[] = [];
const opened: GrpcClients[] = [];

beforeAll(async () => {
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) } });
  a = await startTestApp({ ACTIVITY_BUFFER_EVENTS: String(BUFFER_EVENTS), GRPC_STREAM_STALL_MS: String(STALL_MS), RATE_LIMIT_API_PER_WINDOW: '100000' }, { logger });
  b = await startTestApp({ RATE_LIMIT_API_PER_WINDOW: '100000' }, { database: a.database });
});

afterAll(async () => {
  for (const client of opened) client.close();
  await b?.stop();
  await a?.stop();
});

function watcher(who: SignedIn): GrpcClients {
  const client = grpcClients(a.service.grpcPort!, who.token);
  opened.push(client);
  return client;
}

/** `rpc_server_streams_reset_total` of WatchUserActivity, from A's GET /metrics. */
async function resetsInMetrics(): Promise<number> {
  const page = await (await fetch(`${a.baseUrl}/metrics`)).text();
  const line = page.split('\n').find((candidate) => candidate.startsWith('rpc_server_streams_reset_total{') && candidate.includes('rpc_method="WatchUserActivity"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

interface Seen {
  readonly id: string;
  readonly type: string;
}

/** Reads a watch until `enough` says so; leaving the loop cancels the call. */
async function take(stream: AsyncIterable<{ event?: { id: string; type: string } | undefined }>, enough: (seen: Seen[]) => boolean): Promise<Seen[]> {
  const seen: Seen[] = [];
  for await (const { event } of stream) {
    if (event) seen.push({ id: event.id, type: event.type });
    if (enough(seen)) break;
  }
  return seen;
}

describe('WatchUserActivity', () => {
  it('when a customer changes their profile over REST on another instance, then their gRPC watch on this one gets the event', async () => {
    const customer = await a.customer();
    const before = a.service.activityStats().subscribers;
    const watching = take(watcher(customer).activity.watchUserActivity({ userId: customer.user.id, afterEventId: '' }), (seen) => seen.length >= 2);
    await untilHolds(() => a.service.activityStats().subscribers === before + 1, 'the watch to subscribe');

    await renameUser(b, customer, 'Renamed on B');
    await renameUser(a, customer, 'Renamed on A');

    const seen = await watching;
    expect(seen.map((event) => event.type)).toEqual(['profile_updated', 'profile_updated']);
    expect(Number(seen[1]!.id)).toBeGreaterThan(Number(seen[0]!.id));
  });

  it('when a watcher reconnects from the last event id it got while 30 changes are written, then it misses none and repeats none', async () => {
    const customer = await a.customer();
    const client = watcher(customer);
    const before = a.service.activityStats().subscribers;
    const first = take(client.activity.watchUserActivity({ userId: customer.user.id, afterEventId: '' }), (seen) => seen.length >= 8);
    await untilHolds(() => a.service.activityStats().subscribers === before + 1, 'the watch to subscribe');

    const writing = (async () => {
      for (let n = 1; n <= 30; n += 1) await renameUser(b, customer, `Name ${n}`);
    })();
    const firstPart = await first;
    const rest = await take(client.activity.watchUserActivity({ userId: customer.user.id, afterEventId: firstPart.at(-1)!.id }), (seen) => firstPart.length + seen.length >= 30);
    await writing;

    const ids = [...firstPart, ...rest].map((event) => event.id);
    const { data } = await customer.api.GET('/v1/users/{id}/activity', { params: { path: { id: customer.user.id }, query: { limit: 100 } } });
    const recorded = data!.items.filter((event) => event.type === 'profile_updated').map((event) => event.id).reverse();
    expect(ids).toEqual(recorded);
    expect(new Set(ids).size).toBe(30);
  });

  it('when a client never reads while many events arrive, then the server resets its stream and holds a bounded buffer meanwhile', async () => {
    const customer = await a.customer();
    const before = a.service.activityStats().subscribers;
    // Raw HTTP/2 with a 16-byte stream window, paused: nothing it is sent is ever taken.
    const session = connect(`http://127.0.0.1:${a.service.grpcPort!}`, { settings: { initialWindowSize: 16 } });
    session.on('error', () => undefined);
    const stream = session.request({
      ':method': 'POST',
      ':path': '/ordersvc.v1.ActivityService/WatchUserActivity',
      'content-type': 'application/grpc',
      te: 'trailers',
      authorization: `Bearer ${customer.token}`,
    });
    stream.on('error', () => undefined);
    stream.pause();
    // The reset also surfaces as an 'error' (which `once` would reject on): wait for 'close' itself.
    const closed = new Promise<void>((resolve) => stream.once('close', resolve));
    const body = WatchUserActivityRequest.encode({ userId: customer.user.id, afterEventId: '' }).finish();
    const frame = Buffer.alloc(5 + body.length);
    frame.writeUInt32BE(body.length, 1);
    Buffer.from(body).copy(frame, 5);
    stream.end(frame);
    await untilHolds(() => a.service.activityStats().subscribers === before + 1, 'the stalled watch to subscribe');

    let maxBuffered = 0;
    const sampler = setInterval(() => (maxBuffered = Math.max(maxBuffered, a.service.activityStats().bufferedEvents)), 5);
    let produced = 0;
    try {
      for (let round = 0; round < 40 && !stream.closed; round += 1) {
        await activityBurst(a, customer.user.id, 100);
        produced += 100;
      }
      await closed;
    } finally {
      clearInterval(sampler);
      session.destroy();
    }

    expect(stream.rstCode).toBe(http2.NGHTTP2_ENHANCE_YOUR_CALM);
    expect(produced).toBeGreaterThan(BUFFER_EVENTS);
    expect(maxBuffered).toBeLessThanOrEqual(BUFFER_EVENTS);
    await untilHolds(() => a.service.activityStats().subscribers === before, 'the server to let go of the subscription');
    expect(logs).toContainEqual(expect.objectContaining({ rpc_path: '/ordersvc.v1.ActivityService/WatchUserActivity', stall_ms: STALL_MS }));
    expect(await resetsInMetrics()).toBeGreaterThanOrEqual(1);
  });
  it('when a grpc-js client stops reading its watch, then the server lets go of it, and the client, reading again, gets RESOURCE_EXHAUSTED', async () => {
    const customer = await a.customer();
    const before = a.service.activityStats().subscribers;
    // grpc-js reads from HTTP/2 only while its stream's reader wants more: a reader that never comes stalls the call.
    const client = new grpcJs.Client(`127.0.0.1:${a.service.grpcPort!}`, grpcJs.credentials.createInsecure());
    const metadata = new grpcJs.Metadata();
    metadata.set('authorization', `Bearer ${customer.token}`);
    const call = client.makeServerStreamRequest(
      '/ordersvc.v1.ActivityService/WatchUserActivity',
      (message: WatchUserActivityRequest) => Buffer.from(WatchUserActivityRequest.encode(message).finish()),
      (bytes: Buffer) => bytes,
      { userId: customer.user.id, afterEventId: '' },
      metadata,
    );
    const ended = new Promise<grpcJs.ServiceError>((resolve) => call.on('error', resolve));
    try {
      await untilHolds(() => a.service.activityStats().subscribers === before + 1, 'the watch to subscribe');
      const released = () => a.service.activityStats().subscribers === before;
      let maxBuffered = 0;
      for (let round = 0; round < 40 && !released(); round += 1) {
        await activityBurst(a, customer.user.id, 100);
        maxBuffered = Math.max(maxBuffered, a.service.activityStats().bufferedEvents);
      }
      // Either its buffer overflowed (the status then waits behind the data it has not read) or the stall limit reset it.
      await untilHolds(released, 'the server to let go of the subscription');
      call.resume();
      const error = await ended;

      expect(error.code).toBe(grpcJs.status.RESOURCE_EXHAUSTED);
      expect(maxBuffered).toBeLessThanOrEqual(BUFFER_EVENTS);
    } finally {
      call.cancel();
      client.close();
    }
  });
});
