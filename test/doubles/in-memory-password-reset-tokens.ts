import type { PasswordResetTokens } from '../../internal/domain/identity/password-reset.ts';
import type { Context } from '../../internal/domain/shared/context.ts';

/** Reset tokens for use-case tests, on a clock of the test's own. */
export class InMemoryPasswordResetTokens implements PasswordResetTokens {
  readonly #byUser = new Map<string, { tokenHash: string; expiresAt: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  issue(_ctx: Context, reset: { readonly userId: string; readonly tokenHash: string; readonly expiresAt: Date }): Promise<void> {
    this.#byUser.set(reset.userId, { tokenHash: reset.tokenHash, expiresAt: reset.expiresAt.getTime() });
    return Promise.resolve();
  }

  find(_ctx: Context, tokenHash: string): Promise<string | undefined> {
    return Promise.resolve(this.#live(tokenHash));
  }

  redeem(_ctx: Context, tokenHash: string): Promise<string | undefined> {
    const userId = this.#live(tokenHash);
    if (userId) this.#byUser.delete(userId);
    return Promise.resolve(userId);
  }

  #live(tokenHash: string): string | undefined {
    for (const [userId, reset] of this.#byUser) if (reset.tokenHash === tokenHash && reset.expiresAt > this.#now()) return userId;
    return undefined;
  }
}
