import { describe, expect, it } from 'vitest';
import { newUser, randomLines } from './http-scenarios.ts';

describe('order lines', () => {
  it('when lines are drawn, then there are 1 to 3 distinct products with 1 to 3 units each', () => {
    const ids = ['a', 'b', 'c', 'd'];
    for (let i = 0; i < 200; i++) {
      const lines = randomLines(ids);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(3);
      expect(new Set(lines.map((l) => l.product_id)).size).toBe(lines.length);
      for (const line of lines) expect(line.quantity).toBeGreaterThanOrEqual(1);
      for (const line of lines) expect(line.quantity).toBeLessThanOrEqual(3);
    }
  });

  it('when there is a single product, then an order has a single line', () => {
    expect(randomLines(['only'])).toHaveLength(1);
  });
});

describe('order lines of a given count', () => {
  it('when a count is asked for, then the order has that many distinct lines', () => {
    const ids = Array.from({ length: 60 }, (_, i) => `p${i}`);
    const lines = randomLines(ids, 50);
    expect(lines).toHaveLength(50);
    expect(new Set(lines.map((l) => l.product_id)).size).toBe(50);
  });
});

describe('created users', () => {
  it('when users are made up, then each has its own email under the prefix the clean-up deletes', () => {
    const users = Array.from({ length: 50 }, () => newUser());
    expect(new Set(users.map((u) => u.email)).size).toBe(50);
    for (const user of users) expect(user.email).toMatch(/^bench-created-[0-9a-f-]{36}@example\.com$/);
  });
});
