import { pipeline } from 'node:stream/promises';
import { getHeapSnapshot } from 'node:v8';
import express, { type Express, type Request, type Response } from 'express';
import type { Logger } from '../../platform/logger/logger.ts';
import type { RouteEntry } from '../http/route-table.ts';
import { requireBearerToken } from './access.ts';
import { ProfileCancelledError, ProfilerBusyError, type CpuProfiler } from './cpu-profiler.ts';
import { healthStatus, type HealthStatusSources } from './health-status.ts';
import { DiagnosticsRequestError, diagnosticsErrorHandler, notFound } from './problem.ts';
import type { RuntimeMonitor } from './runtime-monitor.ts';

export interface DiagnosticsDeps {
  readonly logger: Logger;
  /** Required on every request when not empty. */
  readonly token: string;
  readonly monitor: RuntimeMonitor;
  readonly profiler: CpuProfiler;
  /** The public API's routes, in matching order. */
  readonly routes: () => readonly RouteEntry[];
  readonly status: HealthStatusSources;
  /** How long `/health/status` waits for one dependency. */
  readonly statusTimeoutMs: number;
}

const CPU_PROFILE_SECONDS = { default: 10, max: 120 } as const;

const ENDPOINTS = [
  { method: 'GET', path: '/health/status', description: 'version, uptime, dependencies, pools, job queues, breakers, schedules, activity streams' },
  { method: 'GET', path: '/runtime/heap', description: 'heap and RSS, heap used after the last major GC, GC counts' },
  { method: 'GET', path: '/runtime/event-loop', description: 'event-loop delay histogram (ms) and utilisation; ?reset=true starts a new window' },
  { method: 'GET', path: '/runtime/handles', description: 'active handles and requests by type' },
  { method: 'GET', path: '/routes', description: 'the public API route table in matching order' },
  { method: 'GET', path: '/debug/cpu-profile', description: `a .cpuprofile over ?seconds=N (default ${CPU_PROFILE_SECONDS.default}, at most ${CPU_PROFILE_SECONDS.max}); one at a time` },
  { method: 'GET', path: '/debug/heap-snapshot', description: 'a .heapsnapshot, streamed; pauses the process while V8 takes it; one at a time' },
];

/**
 * The diagnostics listener's app: an operator's tools, not part of the
 * public API (no contract, no rate limit, no sessions). Every answer is JSON,
 * a download, or problem+json.
 */
export function buildDiagnosticsApp(deps: DiagnosticsDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(requireBearerToken(deps.token));
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  app.get('/', (_req, res) => {
    res.json({ endpoints: ENDPOINTS });
  });

  app.get('/health/status', async (_req, res) => {
    res.json(await healthStatus(deps.status, deps.statusTimeoutMs));
  });

  app.get('/runtime/heap', (_req, res) => {
    const heap = deps.monitor.heap();
    res.json({
      rss_bytes: heap.rssBytes,
      heap_used_bytes: heap.heapUsedBytes,
      heap_total_bytes: heap.heapTotalBytes,
      heap_limit_bytes: heap.heapLimitBytes,
      external_bytes: heap.externalBytes,
      array_buffers_bytes: heap.arrayBuffersBytes,
      after_last_major_gc: heap.afterLastMajorGc && { heap_used_bytes: heap.afterLastMajorGc.heapUsedBytes, at: heap.afterLastMajorGc.at },
      gc: { major: heap.gc.major, minor: heap.gc.minor, incremental: heap.gc.incremental, total_pause_ms: heap.gc.totalPauseMs, max_pause_ms: heap.gc.maxPauseMs },
    });
  });

  app.get('/runtime/event-loop', (req, res) => {
    const report = deps.monitor.eventLoop(booleanQuery(req, 'reset'));
    res.json({ since: report.since, resolution_ms: report.resolutionMs, delay_ms: report.delayMs, utilization: report.utilization, samples: report.samples });
  });

  app.get('/runtime/handles', (_req, res) => {
    const handles = deps.monitor.handles();
    res.json({ total: handles.total, by_type: handles.byType });
  });

  app.get('/routes', (_req, res) => {
    res.json({ routes: deps.routes() });
  });

  app.get('/debug/cpu-profile', async (req, res) => {
    const seconds = profileSeconds(req);
    const gone = abortOnClose(res);
    try {
      const profile = await deps.profiler.profile(seconds, gone.signal);
      res.attachment(downloadName('cpuprofile')).type('application/json').send(JSON.stringify(profile));
    } catch (error) {
      if (error instanceof ProfilerBusyError) {
        throw new DiagnosticsRequestError({ status: 409, code: 'PROFILE_IN_PROGRESS', title: 'A CPU profile is already being taken', detail: error.message });
      }
      if (gone.signal.aborted) return;
      if (error instanceof ProfileCancelledError) {
        throw new DiagnosticsRequestError({ status: 503, code: 'SHUTTING_DOWN', title: 'The service is shutting down', detail: error.message });
      }
      throw error;
    } finally {
      gone.release();
    }
  });

  let snapshotInProgress = false;
  app.get('/debug/heap-snapshot', async (_req, res) => {
    if (snapshotInProgress) {
      throw new DiagnosticsRequestError({ status: 409, code: 'SNAPSHOT_IN_PROGRESS', title: 'A heap snapshot is already being taken', detail: 'Try again when it is done.' });
    }
    snapshotInProgress = true;
    try {
      deps.logger.warn('taking a heap snapshot: the process pauses while V8 writes it');
      // Serialized chunk by chunk as the client reads: never the whole snapshot in memory twice.
      const snapshot = getHeapSnapshot();
      res.attachment(downloadName('heapsnapshot')).type('application/json');
      await pipeline(snapshot, res).catch((error: unknown) => {
        // A client that stops reading is its own business; the stream is destroyed either way.
        if (!res.destroyed) throw error;
      });
    } finally {
      snapshotInProgress = false;
    }
  });

  app.use(notFound());
  app.use(diagnosticsErrorHandler(deps.logger));
  return app;
}

function profileSeconds(req: Request): number {
  const raw = req.query.seconds;
  if (raw === undefined) return CPU_PROFILE_SECONDS.default;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > CPU_PROFILE_SECONDS.max) {
    throw new DiagnosticsRequestError({
      status: 400,
      code: 'VALIDATION_FAILED',
      title: 'The request is not valid',
      detail: `seconds must be a whole number from 1 to ${CPU_PROFILE_SECONDS.max}`,
    });
  }
  return value;
}

function booleanQuery(req: Request, name: string): boolean {
  const raw = req.query[name];
  if (raw === undefined) return false;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new DiagnosticsRequestError({ status: 400, code: 'VALIDATION_FAILED', title: 'The request is not valid', detail: `${name} must be true or false` });
}

/** Aborts when the client goes away before the answer is sent. */
function abortOnClose(res: Response): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) controller.abort(new Error('the client went away'));
  };
  res.on('close', onClose);
  return { signal: controller.signal, release: () => res.off('close', onClose) };
}

function downloadName(extension: string): string {
  return `ordersvc-${process.pid}-${new Date().toISOString().replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}.${extension}`;
}
