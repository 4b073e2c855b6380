import { DomainError } from './domain-error.ts';

/** The caller's copy is older than the stored one (optimistic concurrency). */
export class StaleVersionError extends DomainError {
  readonly code = 'PRECONDITION_FAILED';
  readonly kind = 'precondition_failed';

  constructor(resource: string) {
    super(`${resource} has changed since the version given in If-Match`);
  }
}

/** Writes to a versioned resource must say which version they build on. */
export class VersionRequiredError extends DomainError {
  readonly code = 'PRECONDITION_REQUIRED';
  readonly kind = 'precondition_required';

  constructor(resource: string) {
    super(`updating ${resource} requires the version it was read at (If-Match)`);
  }
}

/** What a conditional write expects of the stored version. */
export type ExpectedVersion =
  | { readonly kind: 'any' }
  | { readonly kind: 'one_of'; readonly versions: readonly number[] };

export const ANY_VERSION: ExpectedVersion = { kind: 'any' };

export function versionMatches(expected: ExpectedVersion, actual: number): boolean {
  return expected.kind === 'any' || expected.versions.includes(actual);
}
