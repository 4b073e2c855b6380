import { InvalidCursorError, strictBase64url } from '../shared/id-cursor.ts';

// The tag is part of every cursor already handed out: changing it invalidates them.
const TAG = 'a1.';
const EVENT_ID = /^[1-9]\d{0,15}$/;

/** The last event id of an activity page as an opaque cursor, and back. */
export function encodeActivityCursor(lastId: number): string {
  return Buffer.from(TAG + String(lastId), 'utf8').toString('base64url');
}

/** @throws InvalidCursorError */
export function decodeActivityCursor(cursor: string): number {
  const decoded = strictBase64url(cursor);
  const id = decoded.slice(TAG.length);
  if (!decoded.startsWith(TAG) || !EVENT_ID.test(id) || !Number.isSafeInteger(Number(id))) throw new InvalidCursorError();
  return Number(id);
}
