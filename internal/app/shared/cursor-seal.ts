import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from './id-cursor.ts';
import { DependencyUnavailableError } from '../../domain/shared/domain-error.ts';

const MAC_BYTES = 16;
// A codec's cursor (base64url), a dot, 16 bytes of HMAC-SHA256 (22 base64url characters).
const SEALED = /^([A-Za-z0-9_-]{1,256})\.([A-Za-z0-9_-]{22})$/;

/**
 * Makes cursors tamper-evident: each cursor carries an HMAC of itself under
 * a key every replica shares, so a cursor the service did not hand out
 * (forged, truncated, edited) is refused before it is decoded. A cursor only
 * says where a page ends; what may be read is still checked per request.
 *
 * The shared key may be kept in the database: then the seal is made without
 * it (so the service starts while the database is down) and gets it later
 * with `useKey`; until then it seals and opens nothing (the dependency is
 * unavailable) rather than use a key of its own other replicas would refuse.
 */
export class CursorSeal {
  #key: Buffer | undefined;

  constructor(key?: Uint8Array) {
    if (key) this.useKey(key);
  }

  /** True once the seal has its key. */
  get ready(): boolean {
    return this.#key !== undefined;
  }

  /** Gives the seal its key (once; the same key again is a no-op). */
  useKey(key: Uint8Array): void {
    if (key.byteLength < 32) throw new Error('the cursor signing key must have at least 32 bytes');
    if (this.#key) {
      if (!this.#key.equals(key)) throw new Error('the cursor seal already has another key');
      return;
    }
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

  /** @throws DependencyUnavailableError before the seal has its key */
  #mac(cursor: string): Buffer {
    if (!this.#key) throw new DependencyUnavailableError('cursor signing key');
    return createHmac('sha256', this.#key).update(cursor).digest().subarray(0, MAC_BYTES);
  }
}
