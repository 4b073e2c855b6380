import { randomInt, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { Fixtures } from './fixtures.ts';
import { randomLines } from './http-scenarios.ts';

/** The mix, in parts per thousand: mostly reads and pages, orders, and few logins (each is an argon2id hash). */
export const SOAK_MIX = [
  { kind: 'product-read', weight: 350 },
  { kind: 'product-page', weight: 150 },
  { kind: 'user-read', weight: 150 },
  { kind: 'user-page', weight: 50 },
  { kind: 'order-place', weight: 150 },
  { kind: 'order-read', weight: 145 },
  { kind: 'login', weight: 5 },
] as const;

export type SoakRequestKind = (typeof SOAK_MIX)[number]['kind'];

const TOTAL_WEIGHT = SOAK_MIX.reduce((sum, entry) => sum + entry.weight, 0);
const KEPT_ORDERS = 2_000;

/** Picks a kind by weight for a number in [0, total weight). */
export function kindFor(roll: number): SoakRequestKind {
  let left = roll;
  for (const entry of SOAK_MIX) {
    if (left < entry.weight) return entry.kind;
    left -= entry.weight;
  }
  return SOAK_MIX[0].kind;
}

export interface SoakLoadCounts {
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly byKind: Readonly<Record<string, number>>;
}

export interface RunningSoakLoad {
  counts(): SoakLoadCounts;
  /** Resolves when the load has ended (its time is up or `stop` was called). */
  readonly done: Promise<void>;
  stop(): void;
}

/**
 * One autocannon run for the whole soak: every request draws its kind from
 * the mix; placed orders are remembered (a bounded set) and read back.
 */
export function startSoakLoad(url: string, fixtures: Fixtures, settings: { readonly connections: number; readonly rate: number; readonly durationSeconds: number }): RunningSoakLoad {
  const orders: { id: string; token: string }[] = [];
  const byKind: Record<string, number> = {};
  let requests = 0;
  let non2xx = 0;
  let errors = 0;
  const json = { 'content-type': 'application/json' };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  const build = (kind: SoakRequestKind): { kind: SoakRequestKind; request: autocannon.Request } => {
    switch (kind) {
      case 'product-read':
        return { kind, request: { method: 'GET', path: `/v1/products/${pick(fixtures.hotProductIds)}` } };
      case 'product-page':
        return { kind, request: { method: 'GET', path: page('/v1/products?limit=50', pick(fixtures.productCursors)) } };
      case 'user-read': {
        const customer = pick(fixtures.customers);
        return { kind, request: { method: 'GET', path: `/v1/users/${customer.id}`, headers: bearer(customer.token) } };
      }
      case 'user-page':
        return { kind, request: { method: 'GET', path: page('/v1/users?limit=50', pick(fixtures.userCursors)), headers: bearer(fixtures.adminToken) } };
      case 'order-place': {
        const customer = pick(fixtures.customers);
        return {
          kind,
          request: {
            method: 'POST',
            path: '/v1/orders',
            headers: { ...json, ...bearer(customer.token), 'idempotency-key': randomUUID() },
            body: JSON.stringify({ lines: randomLines(fixtures.productIds), payment: { card_token: 'tok_approved' } }),
          },
        };
      }
      case 'order-read': {
        if (orders.length === 0) return build('product-read');
        const order = pick(orders);
        return { kind, request: { method: 'GET', path: `/v1/orders/${order.id}`, headers: bearer(order.token) } };
      }
      case 'login':
        return { kind, request: { method: 'POST', path: '/v1/auth/login', headers: json, body: JSON.stringify({ email: pick(fixtures.loginEmails), password: fixtures.password }) } };
    }
  };

  const instance = autocannon(
    {
      url,
      connections: settings.connections,
      duration: settings.durationSeconds,
      timeout: 10,
      ...(settings.rate > 0 ? { overallRate: settings.rate } : {}),
      headers: { accept: 'application/json' },
      requests: [
        {
          setupRequest: (request, context) => {
            const { kind, request: built } = build(kindFor(randomInt(TOTAL_WEIGHT)));
            const state = context as { kind?: SoakRequestKind; token?: string };
            state.kind = kind;
            state.token = typeof built.headers?.authorization === 'string' ? built.headers.authorization.slice('Bearer '.length) : undefined;
            byKind[kind] = (byKind[kind] ?? 0) + 1;
            return { ...request, ...built, headers: { ...request.headers, ...built.headers } };
          },
          onResponse: (status, body, context) => {
            const state = context as { kind?: SoakRequestKind; token?: string };
            if (state.kind !== 'order-place' || status !== 201 || !state.token) return;
            const id = (JSON.parse(body) as { id?: unknown }).id;
            if (typeof id !== 'string') return;
            if (orders.length >= KEPT_ORDERS) orders.splice(randomInt(orders.length), 1);
            orders.push({ id, token: state.token });
          },
        },
      ],
    },
    () => undefined,
  );
  instance.on('response', (_client, statusCode: number) => {
    requests += 1;
    if (statusCode < 200 || statusCode > 299) non2xx += 1;
  });
  instance.on('reqError', () => {
    errors += 1;
  });
  const done = new Promise<void>((resolve) => instance.once('done', () => resolve()));
  return {
    counts: () => ({ requests, non2xx, errors, byKind: { ...byKind } }),
    done,
    stop: () => instance.stop(),
  };
}

function pick<T>(items: readonly T[]): T {
  if (items.length === 0) throw new Error('nothing to pick from');
  return items[randomInt(items.length)] as T;
}

function page(path: string, cursor: string | undefined): string {
  return cursor === undefined ? path : `${path}&cursor=${encodeURIComponent(cursor)}`;
}
