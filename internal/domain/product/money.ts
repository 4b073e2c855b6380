import { ValidationError, type FieldIssue } from '../shared/domain-error.ts';

/** The largest amount this service handles, in minor units (a trillion euros in cents). */
export const MONEY_MAX_AMOUNT_MINOR = 100_000_000_000_000;

/**
 * An amount of one currency as a whole number of its minor unit (cents for
 * EUR, yen for JPY): a safe integer, never a float.
 */
export interface Money {
  readonly amountMinor: number;
  readonly currency: string;
}

// ICU's list of ISO 4217 codes in use; computed once, it never changes at run time.
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** True for an upper-case ISO 4217 code in current use, such as `EUR`. */
export function isCurrencyCode(code: unknown): code is string {
  return typeof code === 'string' && CURRENCIES.has(code);
}

/** @throws ValidationError naming `amountMinor` and `currency` */
export function money(amountMinor: number, currency: string): Money {
  const issues: FieldIssue[] = [];
  const checked = checkMoney({ amountMinor, currency }, '', issues);
  if (issues.length > 0) throw new ValidationError('the amount of money is not valid', issues);
  return checked;
}

/**
 * Validates a money input, reporting problems at `<field>.amount` and
 * `<field>.currency` (`amount` and `currency` when `field` is empty).
 */
export function checkMoney(input: Money, field: string, issues: FieldIssue[]): Money {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  const { amountMinor, currency } = input;
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0 || amountMinor > MONEY_MAX_AMOUNT_MINOR) {
    issues.push({
      field: at('amount'),
      message: `must be a whole number of the currency's minor unit (e.g. cents) from 0 to ${MONEY_MAX_AMOUNT_MINOR}`,
    });
  }
  if (!isCurrencyCode(currency)) {
    issues.push({ field: at('currency'), message: 'must be an upper-case ISO 4217 currency code such as EUR' });
  }
  return { amountMinor, currency };
}

export function sameMoney(a: Money, b: Money): boolean {
  return a.amountMinor === b.amountMinor && a.currency === b.currency;
}

/** For people: "25.00 EUR", "1,250 JPY" — the amount in the currency's own minor-unit digits. */
export function formatMoney(value: Money): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: value.currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const amount = value.amountMinor / 10 ** digits;
  return `${new Intl.NumberFormat('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount)} ${value.currency}`;
}
