import { createHash } from 'node:crypto';
import { ROLLOUT_BUCKETS } from '../../domain/flags/flag.ts';

/**
 * The subject's bucket in [0, 10000) for one flag: the first 32 bits of
 * SHA-256(flag key, NUL, subject) modulo 10000. Deterministic across
 * processes and restarts, and independent between flags (a user in the 10 %
 * of one rollout is not thereby in the 10 % of every other).
 */
export function rolloutBucket(flagKey: string, subject: string): number {
  return createHash('sha256').update(flagKey).update('\0').update(subject).digest().readUInt32BE(0) % ROLLOUT_BUCKETS;
}
