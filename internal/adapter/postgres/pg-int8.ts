const INTEGER_TEXT = /^-?\d+$/;

/**
 * Converts an int8 value as pg hands it over (a string, or a number/bigint when
 * a type parser is configured) into a JS number, refusing anything that is not
 * a safe integer rather than silently rounding money.
 */
export function toSafeInteger(value: string | number | bigint, column: string): number {
  const number = typeof value === 'string' ? (INTEGER_TEXT.test(value) ? Number(value) : Number.NaN) : Number(value);
  if (!Number.isSafeInteger(number)) throw new Error(`${column} holds ${String(value)}, which is not a safe integer`);
  return number;
}
