import type { AuthorizationStatus, DeclineCode } from './authorization-store.ts';

/** One authorization as the sandbox keeps it. */
export interface AuthorizationRecord {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly status: AuthorizationStatus;
  readonly declineCode: DeclineCode | null;
  readonly amount: number;
  readonly currency: string;
  readonly cardToken: string;
  readonly createdAt: string;
}

/** Where the sandbox keeps its authorizations across restarts (in memory only without one). */
export interface AuthorizationJournal {
  /** The newest `limit` authorizations, oldest first. */
  load(limit: number): Promise<AuthorizationRecord[]>;
  /** Stores the authorization as it is now (created or changed). */
  save(record: AuthorizationRecord): Promise<void>;
}
