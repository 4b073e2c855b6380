import { randomBytes, randomUUID } from 'node:crypto';
import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_TYPES } from '../../../cmd/server/jobs.ts';
import { PgBossJobQueue } from '../../../internal/adapter/jobs/pg-boss-job-queue.ts';
import { ORDER_CONFIRMATION } from '../../../internal/app/jobs/order-confirmation.job.ts';
import type { components } from '../../../internal/transport/http/api-schema.d.ts';
import { createLogger } from '../../../internal/platform/logger/logger.ts';
import { until } from '../../support/crash.ts';
import { testContext } from '../../support/test-context.ts';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';

type Job = components['schemas']['Job'];

let app: TestApp;
let admin: SignedIn;
let customer: SignedIn;
/** Another producer on the same database, as a second replica would be (it runs no workers). */
let producer: PgBossJobQueue;

beforeAll(async () => {
  app = await startTestApp({
    JOBS_POLL_INTERVAL_MS: '500',
    JOBS_RETRY_LIMIT: '2',
    JOBS_RETRY_DELAY_SECONDS: '0',
    JOBS_RETRY_BACKOFF: 'false',
    // Orders made pending by these tests must stay so until the test says otherwise.
    ORDER_RECOVER_AFTER_MS: '3600000',
  });
  admin = await app.admin();
  customer = await app.customer();
  producer = new PgBossJobQueue({
    connectionString: app.database.url,
    poolMax: 1,
    db: app.database.db,
    jobTypes: JOB_TYPES,
    retry: { limit: 2, delaySeconds: 0, backoff: false, delayMaxSeconds: 60 },
    expireSeconds: 60,
    deadRetentionSeconds: 3_600,
    logger: createLogger({ level: 'silent' }),
  });
  await producer.start();
});

afterAll(async () => {
  await producer?.stop(1_000);
  await app?.stop();
});

async function paidOrder(): Promise<string> {
  const product = await admin.api.POST('/v1/products', {
    body: { sku: `JOB-${randomBytes(4).toString('hex')}`, name: 'Job mug', price: { amount: 900, currency: 'EUR' }, stock: 5 },
  });
  const order = await customer.api.POST('/v1/orders', {
    params: { header: { 'Idempotency-Key': `jobs-${randomUUID()}` } },
    body: { lines: [{ product_id: product.data!.id, quantity: 1 }], payment: { card_token: 'tok_approved' } },
  });
  expect(order.response.status).toBe(201);
  return order.data!.id;
}

async function setStatus(orderId: string, status: 'pending' | 'paid'): Promise<void> {
  await app.database.pool.query('UPDATE orders SET status = $2 WHERE id = $1', [orderId, status]);
}

async function deadJobOf(originalId: string): Promise<Job | undefined> {
  const { data } = await admin.api.GET('/v1/admin/jobs', { params: { query: { queue: ORDER_CONFIRMATION.type, state: 'dead', limit: 100 } } });
  return data!.items.find((job) => job.original_id === originalId);
}

async function jobById(id: string): Promise<Job> {
  const { data, response } = await admin.api.GET('/v1/admin/jobs/{id}', { params: { path: { id } } });
  expect(response.status).toBe(200);
  return data!;
}

async function notificationsOf(orderId: string) {
  const { data } = await admin.api.GET('/v1/admin/notifications', { params: { query: { limit: 100 } } });
  return data!.items.filter((notification) => notification.order_id === orderId);
}

describe('background jobs through the admin API', () => {
  it('when a confirmation job fails on every attempt, then it is dead with its last error; retried from the admin API once the order is paid, it succeeds and one message is sent', async () => {
    const orderId = await paidOrder();
    await setStatus(orderId, 'pending');
    const id = await producer.enqueue(testContext(), { type: ORDER_CONFIRMATION.type, payload: { orderId } });

    const dead = await until('the job in the dead letters', () => deadJobOf(id!), { timeoutMs: 20_000 });

    expect(dead).toMatchObject({ queue: ORDER_CONFIRMATION.type, state: 'dead', attempts: 3, last_error: `order ${orderId} is pending, not paid`, payload: { orderId } });
    expect(await jobById(id!)).toMatchObject({ id, state: 'failed', attempts: 3, retry_limit: 2, last_error: `order ${orderId} is pending, not paid` });

    await setStatus(orderId, 'paid');
    const retried = await admin.api.POST('/v1/admin/jobs/{id}/retry', { params: { path: { id: dead.id } } });

    expect(retried.response.status).toBe(200);
    expect(retried.data).toMatchObject({ queue: ORDER_CONFIRMATION.type, state: 'created', payload: { orderId } });
    await until('the retried job to complete', async () => ((await jobById(retried.data!.id)).state === 'completed' ? true : undefined), { timeoutMs: 20_000 });
    const sent = await notificationsOf(orderId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'order-confirmation', recipient_user_id: customer.user.id, order_id: orderId });
    expect(await deadJobOf(id!)).toBeUndefined();
  });

  it('when an order is paid through the API, then its confirmation job runs and the message is listed, once', async () => {
    const orderId = await paidOrder();

    const sent = await until('the confirmation of the paid order', async () => {
      const found = await notificationsOf(orderId);
      return found.length > 0 ? found : undefined;
    });
    const { data: jobs } = await admin.api.GET('/v1/admin/jobs', { params: { query: { queue: ORDER_CONFIRMATION.type, limit: 100 } } });

    expect(sent).toEqual([expect.objectContaining({ topic: 'order-confirmation', recipient_user_id: customer.user.id, order_id: orderId })]);
    expect(jobs!.items.filter((job) => (job.payload as { orderId?: string }).orderId === orderId)).toHaveLength(1);
  });

  it('when the confirmation of one order runs twice, then one message is sent', async () => {
    const orderId = await paidOrder();

    const ids = [
      await producer.enqueue(testContext(), { type: ORDER_CONFIRMATION.type, payload: { orderId } }),
      await producer.enqueue(testContext(), { type: ORDER_CONFIRMATION.type, payload: { orderId } }),
    ];

    for (const id of ids) await until('the job to complete', async () => ((await jobById(id!)).state === 'completed' ? true : undefined), { timeoutMs: 20_000 });
    expect(await notificationsOf(orderId)).toHaveLength(1);
  });

  it('when a job with a malformed payload arrives, then it is dead at once with the reason and without retries', async () => {
    const raw = new PgBoss({ connectionString: app.database.url, max: 1, migrate: false, supervise: false, schedule: false, registerInstance: false });
    raw.on('error', () => undefined);
    await raw.start();
    const id = await raw.send(ORDER_CONFIRMATION.type, { orderId: 'not-a-uuid' });
    await raw.stop({ graceful: false });

    const dead = await until('the job in the dead letters', () => deadJobOf(id!), { timeoutMs: 20_000 });

    expect(dead.attempts).toBe(1);
    expect(dead.last_error).toMatch(/^invalid payload: payload.orderId must match pattern/);
  });

  it('when an admin cancels a delayed job, then it is cancelled and counted so; a second cancel is 409 and an unknown id 404', async () => {
    const before = await admin.api.GET('/v1/admin/queues');
    const id = await producer.enqueue(testContext(), {
      type: ORDER_CONFIRMATION.type,
      payload: { orderId: randomUUID() },
      options: { startAfter: new Date(Date.now() + 3_600_000), priority: 5 },
    });
    expect(await jobById(id!)).toMatchObject({ state: 'created', priority: 5 });

    const cancelled = await admin.api.POST('/v1/admin/jobs/{id}/cancel', { params: { path: { id: id! } } });

    expect(cancelled.response.status).toBe(200);
    expect(cancelled.data).toMatchObject({ id, state: 'cancelled' });
    const again = await admin.api.POST('/v1/admin/jobs/{id}/cancel', { params: { path: { id: id! } } });
    expect(again.response.status).toBe(409);
    expect(again.error).toMatchObject({ code: 'JOB_STATE_CONFLICT' });
    const missing = await admin.api.GET('/v1/admin/jobs/{id}', { params: { path: { id: randomUUID() } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ code: 'JOB_NOT_FOUND' });
    const after = await admin.api.GET('/v1/admin/queues');
    const countOf = (depths: typeof after.data) => depths!.queues.find((queue) => queue.queue === ORDER_CONFIRMATION.type)!.counts.cancelled;
    expect(countOf(after.data)).toBe(countOf(before.data) + 1);
  });

  it('when jobs and notifications are listed a page at a time, then the pages follow each other without gaps or repeats', async () => {
    const all = await admin.api.GET('/v1/admin/jobs', { params: { query: { limit: 100 } } });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.api.GET('/v1/admin/jobs', { params: { query: { limit: 2, ...(cursor ? { cursor } : {}) } } });
      seen.push(...page.data!.items.map((job) => job.id));
      cursor = page.data!.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.data!.items.map((job) => job.id));
    expect(seen.length).toBeGreaterThan(2);

    const first = await admin.api.GET('/v1/admin/notifications', { params: { query: { limit: 1 } } });
    const second = await admin.api.GET('/v1/admin/notifications', { params: { query: { limit: 1, cursor: first.data!.next_cursor! } } });
    expect(second.data!.items[0]!.id < first.data!.items[0]!.id).toBe(true);
  });

  it.each<{ query: Record<string, string>; pointer: string | undefined }>([
    { query: { state: 'stuck' }, pointer: '/query/state' },
    { query: { queue: 'no-such-queue' }, pointer: '/query/queue' },
    { query: { cursor: 'not-a-cursor' }, pointer: undefined },
  ])('when the job listing is asked with $query, then it is 400 and names the problem', async ({ query, pointer }) => {
    const response = await fetch(`${app.baseUrl}/v1/admin/jobs?${new URLSearchParams(query).toString()}`, { headers: { authorization: `Bearer ${admin.token}` } });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { code: string; errors?: { pointer: string }[] };
    if (pointer) expect(problem.errors?.map((error) => error.pointer)).toContain(pointer);
    else expect(problem.code).toBe('INVALID_CURSOR');
  });

  it.each([
    ['GET', '/v1/admin/jobs'],
    ['GET', `/v1/admin/jobs/${randomUUID()}`],
    ['POST', `/v1/admin/jobs/${randomUUID()}/retry`],
    ['POST', `/v1/admin/jobs/${randomUUID()}/cancel`],
    ['GET', '/v1/admin/queues'],
    ['GET', '/v1/admin/notifications'],
  ])('when a customer calls %s %s, then it is 403 FORBIDDEN', async (method, path) => {
    const response = await fetch(`${app.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${customer.token}` } });

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'FORBIDDEN' });
  });
});
