import { describe, expect, it } from 'vitest';
import type { QueryEvent } from './database.ts';
import { slowQueryLog } from './slow-query-log.ts';

function fakeLogger() {
  const lines: { level: 'warn' | 'debug'; obj: object; msg: string | undefined }[] = [];
  return {
    lines,
    warn: (obj: object, msg?: string) => lines.push({ level: 'warn', obj, msg }),
    debug: (obj: object, msg?: string) => lines.push({ level: 'debug', obj, msg }),
  };
}

const event = (durationMs: number, extra: Partial<QueryEvent> = {}): QueryEvent => ({
  sql: 'select * from "users" where "email" = $1',
  name: 'select users',
  durationMs,
  ...extra,
});

describe('slowQueryLog', () => {
  it('when a statement takes longer than the threshold, then it is logged at warn with its name, duration and text', () => {
    const logger = fakeLogger();
    const observe = slowQueryLog(logger, { thresholdMs: 200, logAll: false })!;

    observe(event(199.9));
    observe(event(200));
    observe(event(250.456));

    expect(logger.lines).toEqual([
      {
        level: 'warn',
        obj: { query: 'select users', duration_ms: 250.46, sql: 'select * from "users" where "email" = $1', threshold_ms: 200 },
        msg: 'slow SQL statement',
      },
    ]);
  });

  it('when every statement is to be logged, then fast ones go to debug and slow ones still to warn, once each', () => {
    const logger = fakeLogger();
    const observe = slowQueryLog(logger, { thresholdMs: 100, logAll: true })!;

    observe(event(3));
    observe(event(150));

    expect(logger.lines.map((line) => [line.level, line.msg])).toEqual([
      ['debug', 'SQL statement'],
      ['warn', 'slow SQL statement'],
    ]);
    expect(logger.lines[0]?.obj).toEqual({ query: 'select users', duration_ms: 3, sql: 'select * from "users" where "email" = $1' });
  });

  it('when a slow statement failed, then the line says so without the error message (PostgreSQL quotes values in some)', () => {
    const logger = fakeLogger();
    const observe = slowQueryLog(logger, { thresholdMs: 10, logAll: false })!;

    observe(event(20, { error: new Error('invalid input syntax for type uuid: "alice@example.com"') }));

    expect(logger.lines[0]?.obj).toMatchObject({ query: 'select users', failed: true });
    expect(JSON.stringify(logger.lines)).not.toContain('alice@example.com');
  });

  it('when the threshold is 0 and nothing else is to be logged, then there is no observer at all', () => {
    expect(slowQueryLog(fakeLogger(), { thresholdMs: 0, logAll: false })).toBeUndefined();
  });

  it('when the threshold is 0 but every statement is to be logged, then each goes to debug and none to warn', () => {
    const logger = fakeLogger();
    slowQueryLog(logger, { thresholdMs: 0, logAll: true })!(event(5_000));

    expect(logger.lines.map((line) => line.level)).toEqual(['debug']);
  });

  it('when a statement is very long, then its text is cut', () => {
    const logger = fakeLogger();
    slowQueryLog(logger, { thresholdMs: 1, logAll: false })!(event(5, { sql: `select ${'x, '.repeat(5_000)}1` }));

    expect((logger.lines[0]?.obj as { sql: string }).sql.length).toBeLessThanOrEqual(4_001);
  });
});
