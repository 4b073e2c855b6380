import { DomainError } from '../../domain/shared/domain-error.ts';

/** A `cursor` that this service did not hand out. */
export class InvalidCursorError extends DomainError {
  readonly code = 'INVALID_CURSOR';
  readonly kind = 'invalid';

  constructor() {
    super('the cursor is not one this service returned; start again without it');
  }
}

const PREFIX = 'u1.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Opaque to clients, versioned so the format can change without breaking them.
export function encodeUserCursor(lastId: string): string {
  return Buffer.from(PREFIX + lastId, 'utf8').toString('base64url');
}

export function decodeUserCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.slice(PREFIX.length);
  if (!decoded.startsWith(PREFIX) || !UUID.test(id)) throw new InvalidCursorError();
  return id;
}
