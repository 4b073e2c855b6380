import type { SignInGate, SignInThrottle } from '../../domain/identity/sign-in-throttle.ts';
import type { Context } from '../../domain/shared/context.ts';

/**
 * Redis first; while it fails, PostgreSQL (shared too, so the limit still
 * holds across replicas, only counted afresh). Sign-in never fails because
 * the cache is down.
 */
export class FallbackSignInThrottle implements SignInThrottle {
  readonly #primary: SignInThrottle;
  readonly #fallback: SignInThrottle;
  readonly #onPrimaryError: (error: unknown) => void;

  constructor(primary: SignInThrottle, fallback: SignInThrottle, onPrimaryError: (error: unknown) => void = () => undefined) {
    this.#primary = primary;
    this.#fallback = fallback;
    this.#onPrimaryError = onPrimaryError;
  }

  async begin(ctx: Context, account: string): Promise<SignInGate> {
    try {
      return await this.#primary.begin(ctx, account);
    } catch (error) {
      this.#onPrimaryError(error);
      return this.#fallback.begin(ctx, account);
    }
  }

  async succeeded(ctx: Context, account: string): Promise<void> {
    await Promise.all([
      this.#primary.succeeded(ctx, account).catch((error: unknown) => this.#onPrimaryError(error)),
      this.#fallback.succeeded(ctx, account),
    ]);
  }
}
