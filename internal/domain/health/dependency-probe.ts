/** Answers whether one dependency (a database, a cache) is usable now. */
export interface DependencyProbe {
  readonly name: string;
  /**
   * A critical dependency that fails makes the instance not ready; a
   * non-critical one (a cache the service can work without) is only reported.
   */
  readonly critical: boolean;
  /** Resolves when the dependency answered; rejects with the reason otherwise. */
  check(signal: AbortSignal): Promise<void>;
}
