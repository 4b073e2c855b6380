/** Answers whether one dependency (a database, a cache) is usable now. */
export interface DependencyProbe {
  readonly name: string;
  /** Resolves when the dependency answered; rejects with the reason otherwise. */
  check(signal: AbortSignal): Promise<void>;
}
