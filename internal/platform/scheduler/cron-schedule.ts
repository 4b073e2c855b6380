import { Cron } from 'croner';

/**
 * A cron expression read in UTC, so that every replica agrees on the due
 * times whatever its local time zone. Five fields (minute first) or six
 * (second first); nicknames such as `@hourly` work too.
 */
export class CronSchedule {
  readonly expression: string;
  readonly #cron: Cron;

  private constructor(expression: string, cron: Cron) {
    this.expression = expression;
    this.#cron = cron;
  }

  /** Throws an Error that says what is wrong with the expression. */
  static parse(expression: string): CronSchedule {
    let cron: Cron;
    try {
      // Without a function croner starts no timer: it only evaluates the pattern.
      cron = new Cron(expression.trim(), { timezone: 'UTC', mode: '5-or-6-parts' });
    } catch (error) {
      throw new Error(`${JSON.stringify(expression)} is not a cron expression: ${(error as Error).message.replace(/^CronPattern: /, '')}`, { cause: error });
    }
    const schedule = new CronSchedule(expression, cron);
    if (schedule.nextAfter(new Date()) === undefined) throw new Error(`${JSON.stringify(expression)} never comes due`);
    return schedule;
  }

  /** The first due time strictly after `time`, or undefined when there is none. */
  nextAfter(time: Date): Date | undefined {
    return this.#cron.nextRun(time) ?? undefined;
  }

  /** The last due time at or before `time`, or undefined when there is none. */
  latestAtOrBefore(time: Date): Date | undefined {
    return this.#cron.previousRuns(1, new Date(time.getTime() + 1))[0];
  }
}

/** A convict format: a cron expression that parses and comes due at least once. */
export const cronFormat = {
  validate(value: unknown): void {
    if (typeof value !== 'string') throw new Error('must be a cron expression string');
    try {
      CronSchedule.parse(value);
    } catch (error) {
      throw new Error(
        `must be a cron expression in UTC with 5 fields (minute hour day month weekday) or 6 (second first), e.g. '*/15 * * * * *': ${(error as Error).message}`,
        { cause: error },
      );
    }
  },
};
