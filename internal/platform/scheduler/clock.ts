/** What the scheduler needs of time; tests pass a clock they move by hand. */
export interface SchedulerClock {
  /** Wall-clock time: cron due times are wall-clock times. */
  now(): Date;
  /** Calls `callback` once after about `delayMs`; may be late (a busy event loop), never early by design. */
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: SchedulerClock = {
  now: () => new Date(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
