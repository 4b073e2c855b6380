import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;

// 32 bytes are 43 base64url characters without padding; the last one carries
// only 4 bits, so just 16 letters can end a token this service issued.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

export interface IssuedToken {
  /** Handed to the client once; never stored or logged. */
  readonly token: string;
  /** What the session store keys the session by. */
  readonly sessionId: string;
}

/** A new bearer token (256 random bits) and the id of its session. */
export function issueSessionToken(): IssuedToken {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, sessionId: sessionIdOf(token) };
}

/** True for exactly the strings `issueSessionToken` can produce. */
export function isWellFormedSessionToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/**
 * The session id is the SHA-256 (hex) of the token: a leaked session table
 * or Redis dump holds nothing that authenticates. A fast hash is enough for
 * 256 random bits; slow hashing is for guessable passwords.
 */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
