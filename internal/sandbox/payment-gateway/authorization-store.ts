import { randomBytes } from 'node:crypto';
import type { AuthorizationJournal } from './authorization-journal.ts';

export type AuthorizationStatus = 'approved' | 'declined' | 'captured' | 'voided' | 'refunded';
export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'suspected_fraud';
export type Transition = 'capture' | 'void' | 'refund';

/** An authorization as the API shows it: snake_case, ready for JSON. */
export interface AuthorizationView {
  readonly id: string;
  readonly idempotency_key: string;
  readonly status: AuthorizationStatus;
  readonly decline_code: DeclineCode | null;
  readonly amount: number;
  readonly currency: string;
  readonly created_at: string;
}

export interface AuthorizeInput {
  readonly idempotencyKey: string;
  readonly amount: number;
  readonly currency: string;
  readonly cardToken: string;
}

export type AuthorizeResult =
  | { readonly kind: 'created' | 'replayed'; readonly authorization: AuthorizationView }
  | { readonly kind: 'idempotency_key_reused' | 'invalid_card_token' };

export type TransitionResult =
  | { readonly kind: 'ok'; readonly authorization: AuthorizationView }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'invalid_state'; readonly status: AuthorizationStatus };

export type StatusCounts = Record<AuthorizationStatus, number>;

interface StoredAuthorization {
  readonly id: string;
  readonly idempotencyKey: string;
  status: AuthorizationStatus;
  readonly declineCode: DeclineCode | null;
  readonly amount: number;
  readonly currency: string;
  readonly cardToken: string;
  readonly createdAt: string;
}

const OUTCOME_BY_CARD_TOKEN = new Map<string, { status: 'approved' | 'declined'; declineCode: DeclineCode | null }>([
  ['tok_approved', { status: 'approved', declineCode: null }],
  ['tok_declined', { status: 'declined', declineCode: 'card_declined' }],
  ['tok_insufficient_funds', { status: 'declined', declineCode: 'insufficient_funds' }],
  ['tok_fraud', { status: 'declined', declineCode: 'suspected_fraud' }],
]);

export const CARD_TOKENS: readonly string[] = [...OUTCOME_BY_CARD_TOKEN.keys()];

// A repeat of the target state is answered like the first success (idempotent).
const TRANSITIONS: Record<Transition, { readonly from: AuthorizationStatus; readonly to: AuthorizationStatus }> = {
  capture: { from: 'approved', to: 'captured' },
  void: { from: 'approved', to: 'voided' },
  refund: { from: 'captured', to: 'refunded' },
};

export const DEFAULT_MAX_AUTHORIZATIONS = 200_000;

/**
 * The sandbox's authorizations, in memory and bounded: beyond the limit the
 * oldest are forgotten (with their idempotency keys). Every method is
 * synchronous, so concurrent requests with one key cannot both create.
 * With a journal, every change is also stored there (in order, per
 * authorization): answer only once `saved(id)` resolves, so an answer the
 * client got survives a restart; `restore()` loads the journal at start.
 */
export class AuthorizationStore {
  readonly #maxAuthorizations: number;
  readonly #journal: AuthorizationJournal | undefined;
  readonly #saving = new Map<string, Promise<void>>();
  readonly #byId = new Map<string, StoredAuthorization>();
  readonly #idByKey = new Map<string, string>();
  #created = 0;
  #byStatus: StatusCounts = emptyCounts();

  constructor(options: { maxAuthorizations?: number | undefined; journal?: AuthorizationJournal | undefined } = {}) {
    this.#maxAuthorizations = Math.max(1, options.maxAuthorizations ?? DEFAULT_MAX_AUTHORIZATIONS);
    this.#journal = options.journal;
  }

  /** Loads what the journal kept (before serving); restored authorizations are kept, not counted as created. */
  async restore(): Promise<void> {
    if (!this.#journal) return;
    for (const record of await this.#journal.load(this.#maxAuthorizations)) {
      if (this.#byId.has(record.id)) continue;
      this.#byId.set(record.id, { ...record });
      this.#idByKey.set(record.idempotencyKey, record.id);
      this.#byStatus[record.status] += 1;
    }
  }

  /** Resolves once the authorization's latest change is in the journal (at once without one). */
  saved(id: string): Promise<void> {
    return this.#saving.get(id) ?? Promise.resolve();
  }

  #record(stored: StoredAuthorization): void {
    const journal = this.#journal;
    if (!journal) return;
    const snapshot = { ...stored };
    const next = (this.#saving.get(stored.id) ?? Promise.resolve()).catch(() => undefined).then(() => journal.save(snapshot));
    this.#saving.set(stored.id, next);
    next.then(
      () => this.#saving.get(stored.id) === next && this.#saving.delete(stored.id),
      () => undefined,
    );
  }

  authorize(input: AuthorizeInput): AuthorizeResult {
    const outcome = OUTCOME_BY_CARD_TOKEN.get(input.cardToken);
    if (!outcome) return { kind: 'invalid_card_token' };

    const existingId = this.#idByKey.get(input.idempotencyKey);
    const existing = existingId === undefined ? undefined : this.#byId.get(existingId);
    if (existing) {
      const sameRequest =
        existing.amount === input.amount && existing.currency === input.currency && existing.cardToken === input.cardToken;
      return sameRequest ? { kind: 'replayed', authorization: toView(existing) } : { kind: 'idempotency_key_reused' };
    }

    const stored: StoredAuthorization = {
      id: `auth_${randomBytes(12).toString('hex')}`,
      idempotencyKey: input.idempotencyKey,
      status: outcome.status,
      declineCode: outcome.declineCode,
      amount: input.amount,
      currency: input.currency,
      cardToken: input.cardToken,
      createdAt: new Date().toISOString(),
    };
    this.#byId.set(stored.id, stored);
    this.#idByKey.set(stored.idempotencyKey, stored.id);
    this.#created += 1;
    this.#byStatus[stored.status] += 1;
    this.#record(stored);
    this.#evictBeyondLimit();
    return { kind: 'created', authorization: toView(stored) };
  }

  get(id: string): AuthorizationView | undefined {
    const stored = this.#byId.get(id);
    return stored && toView(stored);
  }

  findByIdempotencyKey(idempotencyKey: string): AuthorizationView | undefined {
    const id = this.#idByKey.get(idempotencyKey);
    return id === undefined ? undefined : this.get(id);
  }

  apply(id: string, transition: Transition): TransitionResult {
    const stored = this.#byId.get(id);
    if (!stored) return { kind: 'not_found' };
    const { from, to } = TRANSITIONS[transition];
    if (stored.status === from) {
      this.#byStatus[from] -= 1;
      this.#byStatus[to] += 1;
      stored.status = to;
      this.#record(stored);
    } else if (stored.status !== to) {
      return { kind: 'invalid_state', status: stored.status };
    }
    return { kind: 'ok', authorization: toView(stored) };
  }

  /** `authorizations` counts every one created since the last clear; `byStatus` those still kept. */
  stats(): { authorizations: number; byStatus: StatusCounts } {
    return { authorizations: this.#created, byStatus: { ...this.#byStatus } };
  }

  clear(): void {
    this.#byId.clear();
    this.#idByKey.clear();
    this.#created = 0;
    this.#byStatus = emptyCounts();
  }

  #evictBeyondLimit(): void {
    // Maps iterate in insertion order, so the first entry is the oldest.
    for (const [id, oldest] of this.#byId) {
      if (this.#byId.size <= this.#maxAuthorizations) return;
      this.#byId.delete(id);
      this.#idByKey.delete(oldest.idempotencyKey);
      this.#byStatus[oldest.status] -= 1;
    }
  }
}

function toView(stored: StoredAuthorization): AuthorizationView {
  return {
    id: stored.id,
    idempotency_key: stored.idempotencyKey,
    status: stored.status,
    decline_code: stored.declineCode,
    amount: stored.amount,
    currency: stored.currency,
    created_at: stored.createdAt,
  };
}

function emptyCounts(): StatusCounts {
  return { approved: 0, declined: 0, captured: 0, voided: 0, refunded: 0 };
}
