import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { InvalidCursorError, decodeUserCursor, encodeUserCursor } from './user-cursor.ts';

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('user cursor', () => {
  it('when a cursor is encoded and decoded, then the same id comes back', () => {
    const id = uuidv7();

    const decoded = decodeUserCursor(encodeUserCursor(id));

    expect(decoded).toBe(id);
  });

  it('when a cursor is encoded, then it does not show the id', () => {
    const id = uuidv7();

    const cursor = encodeUserCursor(id);

    expect(cursor).not.toContain(id);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['an empty string', ''],
    ['garbage', '!!!not-a-cursor!!!'],
    ['a bare id', uuidv7()],
    ['another prefix', base64url(`u2.${uuidv7()}`)],
    ['no prefix', base64url(uuidv7())],
    ['a prefix and no id', base64url('u1.')],
    ['a non-uuid id', base64url('u1.42')],
    ['an id with trailing text', base64url(`u1.${uuidv7()}x`)],
    ['an upper-case id', base64url(`u1.${uuidv7().toUpperCase()}`)],
    ['an SQL injection attempt', base64url("u1.' OR 1=1 --")],
  ])('when the cursor is %s, then InvalidCursorError is thrown', (_, cursor) => {
    expect(() => decodeUserCursor(cursor)).toThrow(InvalidCursorError);
  });
});
