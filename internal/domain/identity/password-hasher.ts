/**
 * Turns passwords into slow, salted hashes (PHC strings) and checks them.
 * Passwords come in normalised (`normalizePassword`). An optional signal
 * drops work still waiting for its turn when the caller has gone away.
 * A hasher that is saturated throws `DependencyUnavailableError`.
 */
export interface PasswordHasher {
  hash(password: string, signal?: AbortSignal): Promise<string>;
  verify(hash: string, password: string, signal?: AbortSignal): Promise<boolean>;
}
