import { once } from 'node:events';
import { createServer } from 'node:net';
import { EmbeddedPostgresOwnerFile } from '../../internal/adapter/postgres/embedded-postgres-owner.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import { StartupRefusal } from '../../internal/platform/lifecycle/startup-refusal.ts';
import { embeddedDataDir } from '../shared/database.ts';

interface PortClaim {
  readonly host: string;
  readonly port: number;
  /** What to change, after "… is already in use: ". */
  readonly fix: string;
}

/** Every fixed port the service will listen on (0 picks a free one, so it is never checked). */
async function portClaims(config: AppConfig): Promise<PortClaim[]> {
  const claims: PortClaim[] = [{ host: config.http.host, port: config.http.port, fix: 'set PORT to a free port (0 picks one) or stop what listens there' }];
  if (config.diagnostics.enabled) {
    claims.push({ host: config.diagnostics.host, port: config.diagnostics.port, fix: 'set DIAGNOSTICS_PORT to a free port, or DIAGNOSTICS_ENABLED=false' });
  }
  if (config.metrics.enabled && config.metrics.port !== 0) {
    claims.push({ host: config.http.host, port: config.metrics.port, fix: 'set METRICS_PORT to a free port, or 0 to serve /metrics on PORT' });
  }
  // A live service of ours on the same data folder lends its server to this process (`npm run migrate` beside `npm start`).
  if (config.database.url === '' && !(await new EmbeddedPostgresOwnerFile(embeddedDataDir(config)).liveOwner())) {
    claims.push({ host: '127.0.0.1', port: config.embeddedDb.port, fix: 'set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use a PostgreSQL of your own' });
  }
  return claims.filter((claim) => claim.port !== 0);
}

async function inUse(host: string, port: number): Promise<boolean> {
  const probe = createServer();
  probe.listen({ host, port, exclusive: true });
  const [event] = await Promise.race([once(probe, 'listening').then(() => ['listening']), once(probe, 'error')]);
  if (event !== 'listening') return (event as NodeJS.ErrnoException).code === 'EADDRINUSE';
  await new Promise((resolve) => probe.close(resolve));
  return false;
}

/**
 * Checks every port before anything starts and refuses with all the clashes
 * at once, one line each naming the setting to change: fixing one clash
 * must not lead to the next only on the following start.
 */
export async function refuseTakenPorts(config: AppConfig): Promise<void> {
  const claims = await portClaims(config);
  const taken = [];
  for (const claim of claims) if (await inUse(claim.host, claim.port)) taken.push(claim);
  if (taken.length > 0) throw new StartupRefusal(taken.map((claim) => `port ${claim.port} on ${claim.host} is already in use: ${claim.fix}`).join('\n'));
}
