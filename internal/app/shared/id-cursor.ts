import { DomainError } from '../../domain/shared/domain-error.ts';

/** A `cursor` that this service did not hand out (for this listing). */
export class InvalidCursorError extends DomainError {
  readonly code = 'INVALID_CURSOR';
  readonly kind = 'invalid';

  constructor() {
    super('the cursor is not one this service returned; start again without it');
  }
}

/** Turns the last id of a keyset page into an opaque cursor and back. */
export interface IdCursor {
  encode(lastId: string): string;
  /** @throws InvalidCursorError */
  decode(cursor: string): string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A cursor codec for one listing. `tag` (such as `u1.`) names the listing and
 * the format version, so a cursor from another listing is refused and the
 * format can change without breaking clients that hold old cursors.
 */
export function idCursor(tag: string): IdCursor {
  return {
    encode: (lastId) => Buffer.from(tag + lastId, 'utf8').toString('base64url'),
    decode: (cursor) => {
      const decoded = strictBase64url(cursor);
      const id = decoded.slice(tag.length);
      if (!decoded.startsWith(tag) || !UUID.test(id)) throw new InvalidCursorError();
      return id;
    },
  };
}

/**
 * The text a base64url cursor holds; Node's decoder skips characters it does
 * not know and drops a partial last group, so only a string it would encode
 * the same way again is accepted. @throws InvalidCursorError
 */
export function strictBase64url(cursor: string): string {
  const bytes = Buffer.from(cursor, 'base64url');
  if (cursor.length === 0 || bytes.toString('base64url') !== cursor) throw new InvalidCursorError();
  return bytes.toString('utf8');
}
