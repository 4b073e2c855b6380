-- Feature flags overriding the defaults from config: a row exists only for a
-- flag an admin has set. `rollout_percent` NULL means "on for everyone while
-- enabled"; a number keeps it on only for subjects whose hash falls below it.
-- Every change is kept in flag_changes (who and when), written in the same
-- transaction, and announced with NOTIFY ordersvc_flags so every replica
-- reloads its snapshot at once.
CREATE TABLE feature_flags (
  key text PRIMARY KEY CHECK (key ~ '^[a-z0-9][a-z0-9.-]{0,99}$'),
  enabled boolean NOT NULL,
  rollout_percent numeric(5, 2) NULL CHECK (rollout_percent >= 0 AND rollout_percent <= 100),
  version integer NOT NULL CHECK (version >= 1),
  updated_by uuid NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE feature_flag_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  flag_key text NOT NULL,
  enabled boolean NOT NULL,
  rollout_percent numeric(5, 2) NULL,
  version integer NOT NULL,
  changed_by uuid NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX feature_flag_changes_flag_key_idx ON feature_flag_changes (flag_key, id);
