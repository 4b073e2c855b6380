/**
 * Compares what a walk-through command printed with what the README shows.
 *
 * Both sides are normalized first, so values that differ on every run match:
 * uuids, request/trace ids and other hex digests, ISO timestamps, tokens,
 * cursors, latencies, rate-limit counters and partition keys, authorization
 * ids. `…` in the README stands for anything (within a line or over lines).
 * Response headers the README says it leaves out (security headers,
 * RateLimit*, X-Release-Channel, Date, Content-Length, Connection, Keep-Alive) are dropped from
 * the real output unless the README's output shows that header.
 */

const LEFT_OUT_HEADERS = new Set(
  [
    'date',
    'content-length',
    'connection',
    'keep-alive',
    'ratelimit',
    'ratelimit-policy',
    'x-release-channel',
    'content-security-policy',
    'cross-origin-opener-policy',
    'cross-origin-resource-policy',
    'origin-agent-cluster',
    'referrer-policy',
    'strict-transport-security',
    'x-content-type-options',
    'x-dns-prefetch-control',
    'x-download-options',
    'x-frame-options',
    'x-permitted-cross-domain-policies',
    'x-xss-protection',
  ],
);

const HEADER_LINE = /^([A-Za-z0-9-]+): /;

const VOLATILE: readonly [RegExp, string][] = [
  [/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '<time>'],
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>'],
  [/\b[0-9a-f]{64}\b/g, '<hex64>'],
  [/\b[0-9a-f]{32}\b/g, '<hex32>'],
  [/"(token|next_cursor)":"[^"]+"/g, '"$1":"<opaque>"'],
  [/"latency_ms":[\d.]+/g, '"latency_ms":<n>'],
  [/\b(r|t)=\d+/g, '$1=<n>'],
  [/pk=:[^:]*:/g, 'pk=<pk>'],
  [/^Retry-After: \d+$/gm, 'Retry-After: <n>'],
  [/\bauth_[0-9a-f]+/g, 'auth_<id>'],
];

export function normalize(text: string): string {
  let result = text.replace(/\r\n/g, '\n');
  for (const [pattern, replacement] of VOLATILE) result = result.replace(pattern, replacement);
  return result
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

/** The real output without the headers the README leaves out, and with the service's port shown as the README's. */
export function prepareActual(actual: string, expected: string, ports: ReadonlyMap<number, number>): string {
  const shown = new Set(
    expected
      .split('\n')
      .map((line) => HEADER_LINE.exec(line)?.[1]?.toLowerCase())
      .filter((name): name is string => name !== undefined),
  );
  let text = actual
    .replace(/\r\n/g, '\n')
    .split('\n')
    .filter((line) => {
      const name = HEADER_LINE.exec(line)?.[1]?.toLowerCase();
      return name === undefined || !LEFT_OUT_HEADERS.has(name) || shown.has(name);
    })
    .join('\n');
  for (const [real, readme] of ports) text = text.replace(new RegExp(`\\b${real}\\b`, 'g'), String(readme));
  return text;
}

/** Whether the real output (prepared) matches the README's, `…` matching anything. */
export function outputMatches(actual: string, expected: string): boolean {
  const want = normalize(expected);
  const got = normalize(actual);
  if (!want.includes('…')) return got === want;
  const pattern = want
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*?');
  return new RegExp(`^${pattern}$`).test(got);
}
