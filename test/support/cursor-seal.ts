import { randomBytes } from 'node:crypto';
import { CursorSeal } from '../../internal/app/shared/cursor-seal.ts';

/** A cursor seal under a random key, for use-case tests. */
export function testCursorSeal(): CursorSeal {
  return new CursorSeal(randomBytes(32));
}
