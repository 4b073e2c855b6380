import { EventMetrics } from './event-metrics.ts';
import { CacheMetrics } from './cache-metrics.ts';
import { DatabaseMetrics } from './database-metrics.ts';
import { HttpMetrics } from './http-metrics.ts';
import { JobMetrics } from './job-metrics.ts';
import { OrderMetrics } from './order-metrics.ts';
import { ReadinessMetrics } from './readiness-metrics.ts';
import { ConfigMetrics } from './config-metrics.ts';
import { MetricsRegistry, type MetricsPage, type SourceErrorHandler } from './metrics-registry.ts';
import { ResilienceMetrics } from './resilience-metrics.ts';
import { RpcMetrics } from './rpc-metrics.ts';
import { ScheduleMetrics } from './schedule-metrics.ts';
import { StreamMetrics } from './stream-metrics.ts';

/**
 * Every series the service exposes, in one registry of its own. Adapters
 * never see this: they offer hooks and counters, and the wiring (cmd/)
 * connects them to these recorders and sources.
 */
export class ServiceMetrics {
  readonly #registry: MetricsRegistry;
  readonly http: HttpMetrics;
  readonly rpc: RpcMetrics;
  readonly database: DatabaseMetrics;
  readonly resilience: ResilienceMetrics;
  readonly jobs: JobMetrics;
  readonly caches: CacheMetrics;
  readonly schedules: ScheduleMetrics;
  readonly streams: StreamMetrics;
  readonly events: EventMetrics;
  readonly orders: OrderMetrics;
  readonly readiness: ReadinessMetrics;
  readonly config: ConfigMetrics;

  constructor(options: { readonly onSourceError?: SourceErrorHandler } = {}) {
    this.#registry = new MetricsRegistry(options);
    this.http = new HttpMetrics(this.#registry);
    this.rpc = new RpcMetrics(this.#registry);
    this.database = new DatabaseMetrics(this.#registry);
    this.resilience = new ResilienceMetrics(this.#registry);
    this.jobs = new JobMetrics(this.#registry);
    this.caches = new CacheMetrics(this.#registry);
    this.schedules = new ScheduleMetrics(this.#registry);
    this.streams = new StreamMetrics(this.#registry);
    this.events = new EventMetrics(this.#registry);
    this.orders = new OrderMetrics(this.#registry);
    this.readiness = new ReadinessMetrics(this.#registry);
    this.config = new ConfigMetrics(this.#registry);
  }

  /** The Prometheus text exposition of every series. */
  scrape(): Promise<MetricsPage> {
    return this.#registry.scrape();
  }
}

export type { MetricsPage } from './metrics-registry.ts';
