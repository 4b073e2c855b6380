import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Express } from 'express';
import type pg from 'pg';
import type { CheckReadiness } from '../../internal/app/health/check-readiness.use-case.ts';
import type { GetQueueDepths } from '../../internal/app/jobs/get-queue-depths.use-case.ts';
import type { ListSchedules } from '../../internal/app/scheduling/list-schedules.use-case.ts';
import type { Context } from '../../internal/domain/shared/context.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import { startHttpServer } from '../../internal/platform/lifecycle/http-server.ts';
import { StartupRefusal } from '../../internal/platform/lifecycle/startup-refusal.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import { bindProblem } from '../../internal/transport/diagnostics/access.ts';
import { CpuProfiler } from '../../internal/transport/diagnostics/cpu-profiler.ts';
import { buildDiagnosticsApp } from '../../internal/transport/diagnostics/diagnostics-app.ts';
import type { BreakerStats, SubscriberStats } from '../../internal/transport/diagnostics/health-status.ts';
import { RuntimeMonitor } from '../../internal/transport/diagnostics/runtime-monitor.ts';
import { routeTable } from '../../internal/transport/http/route-table.ts';
import { PROJECT_ROOT } from '../shared/project-paths.ts';

/** The parts of the running service the diagnostics listener reports on. */
export interface DiagnosticsWiring {
  /** The public API app, for its route table. */
  readonly app: Express;
  readonly checkReadiness: CheckReadiness;
  readonly pool: pg.Pool;
  readonly getQueueDepths: GetQueueDepths;
  readonly listSchedules: ListSchedules;
  readonly breakers: () => Readonly<Record<string, BreakerStats>>;
  readonly activity: () => SubscriberStats;
  readonly config?: () => unknown;
}

export interface RunningDiagnostics {
  readonly port: number;
  /** Cancels a CPU profile in progress, then closes the listener (connections cut after `graceMs`). Idempotent. */
  stop(graceMs: number): Promise<void>;
}

/** Thrown before anything starts when the diagnostics settings are unsafe. */
export class DiagnosticsSettingsError extends Error {
  override readonly name = 'DiagnosticsSettingsError';
}

/** Refuses a diagnostics listener reachable from other machines without a token. */
export function checkDiagnosticsSettings(config: AppConfig): void {
  if (!config.diagnostics.enabled) return;
  const problem = bindProblem(config.diagnostics.host, config.diagnostics.token);
  if (problem) throw new DiagnosticsSettingsError(problem);
}

/**
 * The operator's listener beside the API (127.0.0.1:6060 by default):
 * profiles, heap snapshots, runtime statistics, the route table and
 * `/health/status`. Undefined when DIAGNOSTICS_ENABLED=false.
 */
export async function startDiagnostics(config: AppConfig, logger: Logger, wiring: DiagnosticsWiring): Promise<RunningDiagnostics | undefined> {
  if (!config.diagnostics.enabled) return undefined;
  checkDiagnosticsSettings(config);
  const log = logger.child({ component: 'diagnostics' });
  const version = await packageVersion();
  const routes = routeTable(wiring.app);
  // The listener is trusted like a shell on the host (loopback or token): it reads queue depths and schedules as an operator.
  const operator = (signal: AbortSignal): Context => ({ traceId: 'diagnostics', signal, log, principal: { userId: 'diagnostics', roles: ['admin'], sessionId: 'diagnostics' } });
  const monitor = new RuntimeMonitor();
  const profiler = new CpuProfiler();
  const app = buildDiagnosticsApp({
    logger: log,
    token: config.diagnostics.token,
    monitor,
    profiler,
    routes: () => routes,
    statusTimeoutMs: config.database.readyTimeoutMs,
    status: {
      version,
      readiness: () => wiring.checkReadiness.execute(),
      pools: () => ({
        database: { total: wiring.pool.totalCount, idle: wiring.pool.idleCount, waiting: wiring.pool.waitingCount, max: wiring.pool.options.max ?? config.database.poolMax },
      }),
      queueDepths: (signal) => wiring.getQueueDepths.execute(operator(signal)),
      breakers: wiring.breakers,
      schedules: () => wiring.listSchedules.execute(operator(AbortSignal.timeout(1_000))),
      activity: wiring.activity,
      ...(config.sizing ? { sizing: config.sizing } : {}),
      ...(wiring.config ? { config: wiring.config } : {}),
    },
  });
  let server;
  try {
    server = await startHttpServer(app, { ...config.http, host: config.diagnostics.host, port: config.diagnostics.port });
  } catch (error) {
    monitor.stop();
    throw new StartupRefusal(`the diagnostics listener cannot listen on ${config.diagnostics.host}:${config.diagnostics.port}: set DIAGNOSTICS_PORT to a free port, or DIAGNOSTICS_ENABLED=false`, { cause: error });
  }
  log.info({ host: config.diagnostics.host, port: server.port, tokenRequired: config.diagnostics.token !== '' }, 'diagnostics listening');
  let stopped: Promise<void> | undefined;
  const running = server;
  return {
    port: running.port,
    stop(graceMs) {
      stopped ??= (async () => {
        profiler.cancel();
        try {
          await running.stop(graceMs);
        } finally {
          monitor.stop();
        }
      })();
      return stopped;
    },
  };
}

async function packageVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
