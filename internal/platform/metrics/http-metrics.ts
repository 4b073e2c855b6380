import { Counter, Histogram } from 'prom-client';
import type { MetricsRegistry } from './metrics-registry.ts';

/** One finished HTTP request. */
export interface HttpRequestSample {
  readonly method: string;
  /** The route template (`/v1/users/:id`), never the raw path. */
  readonly route: string;
  /** The status sent, or undefined when the client left before any answer. */
  readonly status: number | undefined;
  readonly durationMs: number;
  /** The release channel that served (`stable`, `canary`); undefined when none was chosen. */
  readonly channel?: string | undefined;
}

type HttpLabel = 'method' | 'route' | 'status_class' | 'channel';

interface Series {
  readonly labels: Readonly<Record<HttpLabel, string>>;
  readonly error: boolean;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
// Channels are the code's own values; anything else would be a bug, kept out of the label set.
const CHANNELS = new Set(['stable', 'canary']);
// Seconds; the API aims at tens of milliseconds, budgets end at ten seconds.
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// Routes are templates of the code's routes, so this is never reached by honest traffic; it bounds a bug.
const MAX_SERIES = 2_000;

/** `2xx`..`5xx`; `aborted` when the client left before any answer. */
function statusClass(status: number | undefined): string {
  if (status === undefined) return 'aborted';
  const hundreds = Math.floor(status / 100);
  return hundreds >= 1 && hundreds <= 5 ? `${hundreds}xx` : 'other';
}

/**
 * Request count, error count and duration per route template, method,
 * status class and release channel (`none` for requests routed before one was chosen). On the hot path: the label set of a combination is built
 * once and reused, so a request costs two or three map updates.
 */
export class HttpMetrics {
  readonly #requests: Counter<HttpLabel>;
  readonly #errors: Counter<HttpLabel>;
  readonly #duration: Histogram<HttpLabel>;
  readonly #series = new Map<string, Series>();

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    const labelNames: HttpLabel[] = ['method', 'route', 'status_class', 'channel'];
    this.#requests = new Counter({ name: 'http_server_requests_total', help: 'HTTP requests served (scrapes of /metrics excluded).', labelNames, registers });
    this.#errors = new Counter({ name: 'http_server_errors_total', help: 'HTTP requests answered with a 4xx or 5xx status.', labelNames, registers });
    this.#duration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Time from the request reaching the service to the end of its response.',
      labelNames,
      buckets: DURATION_BUCKETS,
      registers,
    });
  }

  readonly observe = (sample: HttpRequestSample): void => {
    const series = this.#seriesOf(sample);
    this.#requests.inc(series.labels);
    if (series.error) this.#errors.inc(series.labels);
    this.#duration.observe(series.labels, sample.durationMs / 1000);
  };

  #seriesOf(sample: HttpRequestSample): Series {
    const method = METHODS.has(sample.method) ? sample.method : 'OTHER';
    const status = statusClass(sample.status);
    const channel = sample.channel !== undefined && CHANNELS.has(sample.channel) ? sample.channel : 'none';
    const key = `${method} ${status} ${channel} ${sample.route}`;
    let series = this.#series.get(key);
    if (series === undefined) {
      const route = this.#series.size < MAX_SERIES ? sample.route : 'other';
      series = { labels: { method, route, status_class: status, channel }, error: status === '4xx' || status === '5xx' };
      if (route === sample.route) this.#series.set(key, series);
    }
    return series;
  }
}
