import { requireAdmin } from '../access/access-policy.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { ScheduleStatus } from '../../platform/scheduler/scheduler.ts';

/** Where the counters come from: the scheduler of this replica. */
export interface ScheduleStatusSource {
  status(): ScheduleStatus[];
}

export interface ScheduleList {
  /** The replica that answers; counters are per replica. */
  readonly instance: string;
  readonly schedules: readonly ScheduleStatus[];
}

export class ListSchedules {
  readonly #source: ScheduleStatusSource;
  readonly #instance: string;

  constructor(source: ScheduleStatusSource, instance: string) {
    this.#source = source;
    this.#instance = instance;
  }

  /** Admin only. */
  execute(ctx: Context): ScheduleList {
    requireAdmin(ctx, 'list schedules');
    return { instance: this.#instance, schedules: this.#source.status() };
  }
}
