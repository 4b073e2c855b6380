import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { InvalidCursorError, idCursor } from './id-cursor.ts';

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const cursor = idCursor('p1.');

describe('id cursor', () => {
  it('when a cursor is encoded and decoded, then the same id comes back', () => {
    const id = uuidv7();

    expect(cursor.decode(cursor.encode(id))).toBe(id);
  });

  it('when a cursor is encoded, then it is URL-safe and does not show the id', () => {
    const id = uuidv7();

    const encoded = cursor.encode(id);

    expect(encoded).not.toContain(id);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('when a cursor of another listing is given, then InvalidCursorError is thrown', () => {
    const other = idCursor('u1.').encode(uuidv7());

    expect(() => cursor.decode(other)).toThrow(InvalidCursorError);
  });

  it.each([
    ['an empty string', ''],
    ['garbage', '!!!not-a-cursor!!!'],
    ['a bare id', uuidv7()],
    ['a later format version', base64url(`p2.${uuidv7()}`)],
    ['a tag and no id', base64url('p1.')],
    ['a non-uuid id', base64url('p1.42')],
    ['an id with trailing text', base64url(`p1.${uuidv7()}x`)],
    ['an upper-case id', base64url(`p1.${uuidv7().toUpperCase()}`)],
    ['an SQL injection attempt', base64url("p1.' OR 1=1 --")],
  ])('when the cursor is %s, then InvalidCursorError is thrown', (_, value) => {
    expect(() => cursor.decode(value)).toThrow(InvalidCursorError);
  });
});
