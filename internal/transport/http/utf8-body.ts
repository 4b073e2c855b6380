import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The `type` body-parser keeps on the error, so the error handler can name it. */
export const INVALID_UTF8 = 'entity.invalid_utf8';

/**
 * body-parser's `verify` hook: a UTF-8 body that is not valid UTF-8 is
 * refused before it is decoded, because decoding would silently turn each
 * bad byte into U+FFFD and the mangled text would be stored.
 */
export function rejectInvalidUtf8(_req: IncomingMessage, _res: ServerResponse, body: Buffer, encoding: string): void {
  if (encoding.toLowerCase().replace('-', '') !== 'utf8') return;
  if (isUtf8(body)) return;
  throw Object.assign(new Error('the body is not valid UTF-8'), { type: INVALID_UTF8 });
}
