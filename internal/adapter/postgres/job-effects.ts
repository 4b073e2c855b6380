import type { Transaction } from 'kysely';
import type { Database } from './database.ts';

/**
 * Claims the effect named `dedupeKey` inside `trx`, the transaction that
 * writes the effect: true the first time, false once any committed (or
 * concurrent, then waited for) transaction claimed it. Write the effect only
 * when it returns true; a rollback releases the claim with the effect.
 */
export async function claimEffect(trx: Transaction<Database>, dedupeKey: string, options: { jobId?: string | undefined; signal?: AbortSignal } = {}): Promise<boolean> {
  const claimed = await trx
    .insertInto('job_effects')
    .values({ dedupe_key: dedupeKey, job_id: options.jobId ?? null })
    .onConflict((conflict) => conflict.column('dedupe_key').doNothing())
    .returning('dedupe_key')
    .executeTakeFirst(options.signal ? { signal: options.signal } : {});
  return claimed !== undefined;
}
