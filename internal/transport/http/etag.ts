import type { ExpectedVersion } from '../../domain/shared/version.ts';

export function etagOf(version: number): string {
  return `"${version}"`;
}

const STRONG_TAG = /^"(\d{1,9})"$/;

/**
 * Reads `If-Match` with the strong comparison RFC 9110 requires: weak or
 * foreign tags never match, so they yield an empty list (always 412).
 */
export function parseIfMatch(header: string | undefined): ExpectedVersion | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return { kind: 'any' };
  const versions = header
    .split(',')
    .map((tag) => STRONG_TAG.exec(tag.trim())?.[1])
    .filter((version): version is string => version !== undefined)
    .map(Number);
  return { kind: 'one_of', versions };
}
