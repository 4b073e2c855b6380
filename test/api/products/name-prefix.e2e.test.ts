import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertColdProduct } from '../../support/products.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
  await insertColdProduct(app.database, { name: "Children's book (illustrated)!" });
  await insertColdProduct(app.database, { name: 'Children_s book' });
  await insertColdProduct(app.database, { name: 'Star* lamp' });
});

afterAll(async () => {
  await app?.stop();
});

async function search(rawQuery: string) {
  const response = await fetch(`${app.baseUrl}/v1/products?${rawQuery}`);
  return { status: response.status, body: (await response.json()) as { items?: { name: string }[]; code?: string } };
}

describe('GET /v1/products?name_prefix= with characters encodeURIComponent leaves as they are', () => {
  it.each([
    ["name_prefix=Children's", ["Children's book (illustrated)!"]],
    ["name_prefix=Children's%20book%20(illustrated)!", ["Children's book (illustrated)!"]],
    ['name_prefix=Star*', ['Star* lamp']],
  ])('when the query is %s, then it is 200 with exactly the matching products', async (query, names) => {
    const { status, body } = await search(query);

    expect(status).toBe(200);
    expect(body.items?.map((product) => product.name)).toEqual(names);
  });

  it('when the prefix holds LIKE wildcards, then they match only themselves', async () => {
    const { status, body } = await search('name_prefix=Children_');

    expect(status).toBe(200);
    expect(body.items?.map((product) => product.name)).toEqual(['Children_s book']);
  });

  it('when the prefix is built with encodeURIComponent, then it is 200', async () => {
    const { status } = await search(`name_prefix=${encodeURIComponent("Children's (")}`);

    expect(status).toBe(200);
  });
});
