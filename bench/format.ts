/** Number formats shared by the report's sections. */

export function percent(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}

export function count(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// autocannon's latencies have millisecond resolution: 0 means under a millisecond.
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value === 0 ? '< 1' : String(Math.round(value * 10) / 10);
}

export function cpu(micros: number | null): string {
  return micros === null ? '–' : count(micros);
}
