import type { ContextLogger } from '../../domain/shared/context.ts';
import type { QueryEvent, QueryObserver } from './database.ts';

export interface SlowQueryLogSettings {
  /** Statements slower than this are logged at warn; 0 logs none. A function is asked at every statement. */
  readonly thresholdMs: number | (() => number);
  /** Also log every statement at debug. */
  readonly logAll: boolean;
}

/**
 * Logs statements slower than the threshold at warn, and with `logAll` every
 * statement at debug: its name, duration and SQL text. The text has
 * placeholders only, so no parameter (a password hash, an email) reaches the log.
 * Undefined when there is nothing to log.
 */
export function slowQueryLog(logger: Pick<ContextLogger, 'warn' | 'debug'>, settings: SlowQueryLogSettings): QueryObserver | undefined {
  const { logAll } = settings;
  const threshold = settings.thresholdMs;
  if (typeof threshold === 'number' && threshold <= 0 && !logAll) return undefined;
  const thresholdOf = typeof threshold === 'number' ? () => threshold : threshold;
  return (event) => {
    const thresholdMs = thresholdOf();
    if (thresholdMs > 0 && event.durationMs > thresholdMs) logger.warn({ ...fieldsOf(event), threshold_ms: thresholdMs }, 'slow SQL statement');
    else if (logAll) logger.debug(fieldsOf(event), 'SQL statement');
  };
}

// Generated statements (a long IN list) stay readable without flooding the log.
const MAX_SQL_CHARS = 4_000;

function fieldsOf(event: QueryEvent) {
  return {
    query: event.name,
    duration_ms: Math.round(event.durationMs * 100) / 100,
    sql: event.sql.length > MAX_SQL_CHARS ? `${event.sql.slice(0, MAX_SQL_CHARS)}…` : event.sql,
    // Not the error's message: PostgreSQL quotes the offending value in some of them.
    ...(event.error === undefined ? {} : { failed: true }),
  };
}
