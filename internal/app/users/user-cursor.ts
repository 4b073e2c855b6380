import { idCursor } from '../shared/id-cursor.ts';

export { InvalidCursorError } from '../shared/id-cursor.ts';

// The tag is part of every cursor already handed out: changing it invalidates them.
const USER_CURSOR = idCursor('u1.');

export function encodeUserCursor(lastId: string): string {
  return USER_CURSOR.encode(lastId);
}

export function decodeUserCursor(cursor: string): string {
  return USER_CURSOR.decode(cursor);
}
