import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { sendDiagnosticsProblem } from './problem.ts';

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(bare);
  return false;
}

/**
 * Why the listener must not start with these settings, or undefined when it
 * may: heap snapshots and profiles reveal everything in memory (tokens,
 * personal data), so only loopback goes without a token.
 */
export function bindProblem(host: string, token: string): string | undefined {
  if (isLoopbackHost(host) || token !== '') return undefined;
  return `the diagnostics listener would bind to ${host}, which is not a loopback address, without DIAGNOSTICS_TOKEN: set a token (or DIAGNOSTICS_TOKEN_FILE), bind it to 127.0.0.1, or disable it with DIAGNOSTICS_ENABLED=false`;
}

/**
 * Lets through requests carrying `Authorization: Bearer <token>`; 401 for the
 * rest. The comparison takes the same time whatever the guess (digests of
 * equal length compared with timingSafeEqual). No token configured: open.
 */
export function requireBearerToken(token: string): RequestHandler {
  if (token === '') return (_req, _res, next) => next();
  const expected = digest(token);
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected)) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="ordersvc-diagnostics"');
    sendDiagnosticsProblem(req, res, {
      status: 401,
      code: 'DIAGNOSTICS_TOKEN_REQUIRED',
      title: 'Authentication required',
      detail: 'Send the diagnostics token (DIAGNOSTICS_TOKEN) as `Authorization: Bearer <token>`.',
    });
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
