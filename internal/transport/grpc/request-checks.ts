import { ValidationError, type FieldIssue } from '../../domain/shared/domain-error.ts';
import type { ExpectedVersion } from '../../domain/shared/version.ts';
import type { Money as DomainMoney } from '../../domain/product/money.ts';
import type { Money } from './generated/ordersvc/v1/common.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STRONG_TAG = /^"(\d{1,9})"$/;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
const MAX_TOKEN_LENGTH = 512;

/**
 * The checks the REST contract (OpenAPI) makes before a handler runs, for
 * protobuf messages: shapes the use-cases take for granted (ids, page sizes,
 * tokens, 64-bit amounts). Rules of the domain stay in the domain. Each
 * violation names the request's field in protobuf terms.
 */
export class RequestChecks {
  readonly #issues: FieldIssue[] = [];

  id(field: string, value: string): string {
    if (!UUID.test(value)) this.fail(field, 'must be a UUID');
    return value.toLowerCase();
  }

  optionalId(field: string, value: string): string | undefined {
    return value === '' ? undefined : this.id(field, value);
  }

  pageSize(field: string, value: number): number {
    if (value === 0) return DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) this.fail(field, `must be 1 to ${MAX_PAGE_SIZE} (0 for the default, ${DEFAULT_PAGE_SIZE})`);
    return value;
  }

  pageToken(field: string, value: string): string | undefined {
    if (value.length > MAX_TOKEN_LENGTH) this.fail(field, 'is not a page token of this service');
    return value === '' ? undefined : value;
  }

  /** A required string of at most `max` characters (domain rules still apply after). */
  text(field: string, value: string, max: number, { required = true } = {}): string {
    if (required && value === '') this.fail(field, 'is required');
    else if (value.length > max) this.fail(field, `must be at most ${max} characters`);
    return value;
  }

  /** REST's If-Match: `*` or one or more strong tags (`"3"`); required. */
  etag(field: string, value: string): ExpectedVersion | undefined {
    const trimmed = value.trim();
    if (trimmed === '') {
      this.fail(field, 'is required: the etag of the version you read');
      return undefined;
    }
    if (trimmed === '*') return { kind: 'any' };
    const versions = trimmed.split(',').map((tag) => STRONG_TAG.exec(tag.trim())?.[1]);
    if (versions.some((version) => version === undefined)) this.fail(field, 'must be an etag as returned (e.g. "3"), or *');
    return { kind: 'one_of', versions: versions.filter((version) => version !== undefined).map(Number) };
  }

  money(field: string, value: Money | undefined): DomainMoney {
    if (!value) {
      this.fail(field, 'is required');
      return { amountMinor: 0, currency: '' };
    }
    if (value.amountMinor < 0n || value.amountMinor > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${field}.amount_minor`, 'must be a whole number of minor units from 0');
    if (!/^[A-Z]{3}$/.test(value.currency)) this.fail(`${field}.currency`, 'must be an ISO 4217 code in upper case');
    return { amountMinor: Number(value.amountMinor), currency: value.currency };
  }

  nonNegative(field: string, value: number, max: number): number {
    return this.wholeNumber(field, value, 0, max);
  }

  wholeNumber(field: string, value: number, min: number, max: number): number {
    if (!Number.isInteger(value) || value < min || value > max) this.fail(field, `must be a whole number from ${min} to ${max}`);
    return value;
  }

  fail(field: string, message: string): void {
    this.#issues.push({ field, message });
  }

  /** Throws the collected violations as one ValidationError (INVALID_ARGUMENT with BadRequest). */
  done(): void {
    if (this.#issues.length > 0) throw new ValidationError('the request is not valid', this.#issues);
  }
}
