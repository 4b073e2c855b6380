import { describe, expect, it } from 'vitest';
import { helmetHeaders } from './security-headers.ts';

describe("helmet's headers, precomputed", () => {
  it('when computed, then they are the API policy helmet would set on every response', () => {
    const headers = new Map(helmetHeaders().map(([name, value]) => [name.toLowerCase(), value]));
    expect(headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(headers.has('x-powered-by')).toBe(false);
  });
});
