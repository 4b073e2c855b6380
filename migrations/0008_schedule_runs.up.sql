-- One row per scheduled run, written by the replica that ran it. The unique
-- (schedule, due_at) pair is how replicas agree that a due time was run once:
-- a replica whose clock lags, or that wakes after a quick run elsewhere,
-- finds the row and skips. `running` rows left by a crashed process are
-- marked `abandoned` by the next run of the schedule.
CREATE TABLE schedule_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  schedule text NOT NULL CHECK (length(schedule) BETWEEN 1 AND 100),
  due_at timestamptz NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('cron', 'start')),
  instance text NOT NULL CHECK (length(instance) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'timed_out', 'abandoned')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz NULL,
  duration_ms integer NULL CHECK (duration_ms >= 0),
  error text NULL,
  result jsonb NULL,
  CONSTRAINT schedule_runs_schedule_due_at_key UNIQUE (schedule, due_at),
  CHECK ((status = 'running') = (finished_at IS NULL))
);

-- Finding the runs a crash left behind.
CREATE INDEX schedule_runs_running_idx ON schedule_runs (schedule) WHERE status = 'running';
