import type { ReleaseChannel } from '../flags/release-channel.ts';
import type { Principal } from '../identity/principal.ts';

/** The structured logger a context carries; pino satisfies it. */
export interface ContextLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Travels with one unit of work (a request, a job) as the first argument of
 * every use-case and port: who asked, under which trace, and until when.
 */
export interface Context {
  readonly traceId: string;
  /** Aborts when the caller goes away or the deadline passes. */
  readonly signal: AbortSignal;
  readonly log: ContextLogger;
  /** The authenticated caller; absent for anonymous requests and system work. */
  readonly principal?: Principal | undefined;
  /** The variant of use-cases serving this request (gray release); stable when absent. */
  readonly channel?: ReleaseChannel | undefined;
}
