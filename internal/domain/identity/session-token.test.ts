import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isWellFormedSessionToken, issueSessionToken, sessionIdOf } from './session-token.ts';

describe('issueSessionToken', () => {
  it('when a token is issued, then it is 32 bytes in base64url and its session id is the SHA-256 hex of it', () => {
    const { token, sessionId } = issueSessionToken();

    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(sessionId).toBe(createHash('sha256').update(token).digest('hex'));
    expect(sessionId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when many tokens are issued, then they are all distinct and all well-formed', () => {
    const tokens = Array.from({ length: 1_000 }, () => issueSessionToken().token);

    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens.every(isWellFormedSessionToken)).toBe(true);
  });
});

describe('isWellFormedSessionToken', () => {
  const valid = randomBytes(32).toString('base64url');

  it.each([
    ['empty', ''],
    ['one character short', valid.slice(1)],
    ['one character long', `${valid}A`],
    ['with padding', `${valid}=`],
    ['in standard base64', Buffer.from(valid, 'base64url').toString('base64').replace(/[A-Za-z0-9]/g, '+').slice(0, 43)],
    ['with a space', `${valid.slice(0, 42)} `],
    ['with non-zero trailing bits (not a canonical encoding)', `${valid.slice(0, 42)}B`],
    ['a session id instead of a token', sessionIdOf(valid)],
  ])('when the token is %s, then it is rejected', (_, token) => {
    expect(isWellFormedSessionToken(token)).toBe(false);
  });

  it('when the token is one the service could issue, then it is accepted', () => {
    expect(isWellFormedSessionToken(valid)).toBe(true);
  });
});

describe('sessionIdOf', () => {
  it('when the same token is hashed twice, then the id is the same; another token gives another id', () => {
    const a = issueSessionToken().token;
    const b = issueSessionToken().token;

    expect(sessionIdOf(a)).toBe(sessionIdOf(a));
    expect(sessionIdOf(a)).not.toBe(sessionIdOf(b));
  });
});
