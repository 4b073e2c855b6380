import { PASSWORD, type SeededData } from './seed.ts';

/** What the scenarios need from the running service: tokens and page cursors. */
export interface Fixtures {
  readonly hotProductIds: readonly string[];
  readonly productIds: readonly string[];
  /** Logged-in customers; user reads and orders are made as them. */
  readonly customers: readonly { readonly id: string; readonly token: string }[];
  /** Customers the login scenario signs in as. */
  readonly loginEmails: readonly string[];
  readonly password: string;
  readonly adminToken: string;
  /** `undefined` is the first page. */
  readonly userCursors: readonly (string | undefined)[];
  readonly productCursors: readonly (string | undefined)[];
}

const HOT_PRODUCTS = 8;
const PAGES = 20;

/** Signs in through the API (a few dozen logins, not the load) and collects page cursors. */
export async function prepareFixtures(baseUrl: string, seeded: SeededData, sessions: number): Promise<Fixtures> {
  const adminToken = await login(baseUrl, seeded.adminEmail);
  const customers: { id: string; token: string }[] = [];
  const wanted = seeded.customers.slice(0, sessions);
  // A few at a time: each login is an argon2id verification on the service's 2 hash slots.
  for (let i = 0; i < wanted.length; i += 4) {
    const batch = wanted.slice(i, i + 4);
    customers.push(...(await Promise.all(batch.map(async (c) => ({ id: c.id, token: await login(baseUrl, c.email) })))));
  }
  return {
    hotProductIds: seeded.productIds.slice(0, HOT_PRODUCTS),
    productIds: seeded.productIds,
    customers,
    loginEmails: seeded.customers.map((c) => c.email),
    password: PASSWORD,
    adminToken,
    userCursors: await cursors(`${baseUrl}/v1/users?limit=50`, adminToken),
    productCursors: await cursors(`${baseUrl}/v1/products?limit=50`, undefined),
  };
}

async function login(baseUrl: string, email: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const body = (await response.json()) as { token?: string };
  if (response.status !== 200 || !body.token) throw new Error(`login of ${email} answered ${response.status}: ${JSON.stringify(body)}`);
  return body.token;
}

// The first PAGES pages of a list: each request of a page scenario asks for one of them.
async function cursors(firstPage: string, token: string | undefined): Promise<(string | undefined)[]> {
  const found: (string | undefined)[] = [undefined];
  let cursor: string | undefined;
  while (found.length < PAGES) {
    const url = cursor === undefined ? firstPage : `${firstPage}&cursor=${encodeURIComponent(cursor)}`;
    const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const page = (await response.json()) as { next_cursor?: string | null };
    if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${JSON.stringify(page)}`);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
    found.push(cursor);
  }
  return found;
}
