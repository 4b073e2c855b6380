import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CursorSeal } from './cursor-seal.ts';
import { InvalidCursorError } from './id-cursor.ts';

const seal = new CursorSeal(randomBytes(32));
const inner = Buffer.from('u1.0192a3b4-c5d6-7e8f-9012-3456789abcde').toString('base64url');

describe('cursor seal', () => {
  it('when a sealed cursor is opened, then the cursor that was sealed comes back', () => {
    expect(seal.open(seal.seal(inner))).toBe(inner);
  });

  it('when a cursor was sealed under another key, then it is refused', () => {
    const other = new CursorSeal(randomBytes(32)).seal(inner);

    expect(() => seal.open(other)).toThrow(InvalidCursorError);
  });

  it.each([
    ['unsealed', () => inner],
    ['empty', () => ''],
    ['truncated', () => seal.seal(inner).slice(0, -1)],
    ['extended', () => `${seal.seal(inner)}A`],
    ['with its inner cursor edited', () => `B${seal.seal(inner).slice(1)}`],
    ['with a signature of stray low bits', () => seal.seal(inner).replace(/.$/, (last) => (last === 'A' ? 'B' : String.fromCharCode(last.charCodeAt(0) + 1)))],
    ['with two dots', () => `${inner}.${seal.seal(inner)}`],
  ])('when the cursor is %s, then it is refused', (_, make) => {
    expect(() => seal.open(make())).toThrow(InvalidCursorError);
  });

  it('when the key is shorter than 32 bytes, then the seal is not made', () => {
    expect(() => new CursorSeal(randomBytes(16))).toThrow(/32 bytes/);
  });
});
