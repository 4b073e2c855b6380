import { describe, expect, it } from 'vitest';
import { fieldPointer } from './field-pointer.ts';

describe('fieldPointer', () => {
  it.each([
    ['lines[0].product_id', 'POST', '/body/lines/0/product_id'],
    ['lines', 'POST', '/body/lines'],
    ['price.amount', 'PATCH', '/body/price/amount'],
    ['email', 'POST', '/body/email'],
    ['limit', 'GET', '/query/limit'],
    ['name_prefix', 'GET', '/query/name_prefix'],
    ['idempotency_key', 'POST', '/header/idempotency-key'],
    ['last_event_id', 'GET', '/header/last-event-id'],
    ['a/b~c', 'POST', '/body/a~1b~0c'],
  ])('when the domain names %s on a %s, then the pointer is %s', (field, method, pointer) => {
    expect(fieldPointer(field, method)).toBe(pointer);
  });
});
