import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from './id-cursor.ts';

const MAC_BYTES = 16;
// A codec's cursor (base64url), a dot, 16 bytes of HMAC-SHA256 (22 base64url characters).
const SEALED = /^([A-Za-z0-9_-]{1,256})\.([A-Za-z0-9_-]{22})$/;

/**
 * Makes cursors tamper-evident: each cursor carries an HMAC of itself under
 * a key every replica shares, so a cursor the service did not hand out
 * (forged, truncated, edited) is refused before it is decoded. A cursor only
 * says where a page ends; what may be read is still checked per request.
 */
export class CursorSeal {
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.byteLength < 32) throw new Error('the cursor signing key must have at least 32 bytes');
    this.#key = Buffer.from(key);
  }

  seal(cursor: string): string {
    return `${cursor}.${this.#mac(cursor).toString('base64url')}`;
  }

  /** The cursor that was sealed. @throws InvalidCursorError */
  open(sealed: string): string {
    const match = SEALED.exec(sealed);
    if (!match) throw new InvalidCursorError();
    const [, cursor, mac] = match as unknown as [string, string, string];
    const given = Buffer.from(mac, 'base64url');
    // Non-canonical base64url (stray low bits) decodes like another string: refused, not forgiven.
    if (given.length !== MAC_BYTES || given.toString('base64url') !== mac) throw new InvalidCursorError();
    if (!timingSafeEqual(given, this.#mac(cursor))) throw new InvalidCursorError();
    return cursor;
  }

  #mac(cursor: string): Buffer {
    return createHmac('sha256', this.#key).update(cursor).digest().subarray(0, MAC_BYTES);
  }
}
