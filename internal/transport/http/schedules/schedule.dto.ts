import type { ScheduleList } from '../../../app/scheduling/list-schedules.use-case.ts';
import type { ScheduleStatus } from '../../../platform/scheduler/scheduler.ts';
import type { components } from '../api-schema.d.ts';

export type ScheduleListDto = components['schemas']['ScheduleList'];
type ScheduleStatusDto = components['schemas']['ScheduleStatus'];

export function toScheduleListDto(list: ScheduleList): ScheduleListDto {
  return { instance: list.instance, schedules: list.schedules.map(toScheduleStatusDto) };
}

function toScheduleStatusDto(status: ScheduleStatus): ScheduleStatusDto {
  const { running, lastRun, skipped } = status;
  return {
    name: status.name,
    cron: status.cron,
    enabled: status.enabled,
    timeout_ms: status.timeoutMs,
    next_due_at: status.nextDueAt?.toISOString() ?? null,
    running: running ? { due_at: running.dueAt.toISOString(), started_at: running.startedAt.toISOString(), timed_out: running.timedOut } : null,
    runs: status.runs,
    succeeded: status.succeeded,
    failed: status.failed,
    timed_out: status.timedOut,
    skipped: { running: skipped.running, locked: skipped.locked, already_run: skipped.alreadyRun, missed: skipped.missed, unavailable: skipped.unavailable },
    last_run: lastRun
      ? {
          due_at: lastRun.dueAt.toISOString(),
          trigger: lastRun.trigger,
          started_at: lastRun.startedAt.toISOString(),
          finished_at: lastRun.finishedAt.toISOString(),
          status: lastRun.status,
          duration_ms: Math.round(lastRun.durationMs),
          error: lastRun.error ?? null,
          result: lastRun.result ? { ...lastRun.result } : null,
        }
      : null,
  };
}
