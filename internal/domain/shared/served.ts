/**
 * How a cache in front of the source of truth took part in one read: it
 * answered (`hit`), it was asked and the source answered (`miss`), or it was
 * gone around (`bypass`: it could not be asked, or caching is switched off).
 */
export type CacheUse = 'hit' | 'miss' | 'bypass';

/** A value read by id, with how it was served, so a use-case can tell its caller. */
export interface Served<T> {
  readonly value: T;
  /** Absent when no cache stands in front of the source. */
  readonly cache?: CacheUse | undefined;
  /** The source failed and the last known value was served past its freshness. */
  readonly stale: boolean;
}

/** A read answered by the source of truth itself, with no cache in front. */
export function servedBySource<T>(value: T): Served<T> {
  return { value, stale: false };
}
