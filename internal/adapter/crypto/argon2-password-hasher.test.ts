import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../domain/shared/domain-error.ts';
import { Argon2PasswordHasher } from './argon2-password-hasher.ts';

describe('Argon2PasswordHasher', () => {
  const hasher = new Argon2PasswordHasher();

  it('when a password is hashed, then the hash is argon2id with the OWASP parameters and a random salt', async () => {
    const first = await hasher.hash('correct horse battery staple');
    const second = await hasher.hash('correct horse battery staple');

    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(second).not.toBe(first);
  });

  it.each([
    ['the same password', 'correct horse battery staple', true],
    ['another password', 'correct horse battery stapler', false],
    ['the same password in other letter case', 'Correct horse battery staple', false],
  ])('when verifying %s, then the answer is %s', async (_, attempt, expected) => {
    const stored = await hasher.hash('correct horse battery staple');

    expect(await hasher.verify(stored, attempt)).toBe(expected);
  });

  it('when more hashes arrive than may run and wait, then the excess is refused at once and the rest complete', async () => {
    const bulkhead = new Argon2PasswordHasher({ maxConcurrent: 1, maxQueued: 1 });

    const running = bulkhead.hash('first password!');
    const queued = bulkhead.hash('second password');
    const load = bulkhead.load;
    const refused = bulkhead.hash('third password!');

    expect(load).toEqual({ running: 1, queued: 1 });
    await expect(refused).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(refused).rejects.toMatchObject({ dependency: 'password hasher' });
    await expect(Promise.all([running, queued])).resolves.toHaveLength(2);
    expect(bulkhead.load).toEqual({ running: 0, queued: 0 });
  });

  it('when a caller waiting for its turn goes away, then it leaves the queue with the abort reason and frees the place', async () => {
    const bulkhead = new Argon2PasswordHasher({ maxConcurrent: 1, maxQueued: 1 });
    const controller = new AbortController();
    const reason = new Error('client went away');

    const running = bulkhead.hash('first password!');
    const waiting = bulkhead.verify('$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaA', 'x', controller.signal);
    controller.abort(reason);
    const next = bulkhead.hash('third password!');

    await expect(waiting).rejects.toBe(reason);
    await expect(Promise.all([running, next])).resolves.toHaveLength(2);
    expect(bulkhead.load).toEqual({ running: 0, queued: 0 });
  });

  it('when the signal is already aborted, then nothing is hashed', async () => {
    const reason = new Error('too late');

    await expect(hasher.hash('correct horse battery staple', AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it.each([
    ['no concurrency', { maxConcurrent: 0 }],
    ['a negative queue', { maxQueued: -1 }],
  ])('when configured with %s, then construction fails', (_, options) => {
    expect(() => new Argon2PasswordHasher(options)).toThrow(RangeError);
  });
});
