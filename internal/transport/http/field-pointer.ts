/**
 * Where an HTTP request carried a field the domain names: the JSON pointer of
 * the problem's `errors` (RFC 9457 extension used by the contract). Domain
 * and app code name fields in their own terms (`lines[0].product_id`,
 * `idempotency_key`); only this transport knows headers, query and body.
 */
const HEADER_FIELDS: Readonly<Record<string, string>> = {
  idempotency_key: 'idempotency-key',
  last_event_id: 'last-event-id',
};

/** Methods whose inputs are query parameters (they have no body). */
const QUERY_METHODS = new Set(['GET', 'HEAD', 'DELETE']);

export function fieldPointer(field: string, method: string): string {
  const header = HEADER_FIELDS[field];
  if (header) return `/header/${header}`;
  const location = QUERY_METHODS.has(method.toUpperCase()) ? '/query' : '/body';
  if (field === '') return location;
  // `lines[0].product_id` → `lines/0/product_id`, each segment escaped as RFC 6901 asks.
  const segments = field.replace(/\[(\d+)\]/g, '.$1').split('.');
  return `${location}/${segments.map((segment) => segment.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}
