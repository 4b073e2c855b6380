-- What happened to a user (registered, profile updated, orders placed, paid,
-- cancelled ...), written in the same transaction as the change itself.
--
-- Readers resume with "id > last seen", per user. That is only gap-free when a
-- user's events commit in id order: the writer takes a per-user advisory lock
-- before inserting (see record-activity.ts). It also needs ids handed out in
-- the order they are asked for, so the identity keeps CACHE 1 (a per-session
-- cache of values would hand out ids out of time order).
CREATE TABLE activity_events (
  id bigint GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (char_length(type) BETWEEN 1 AND 64),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  data jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(data) = 'object')
);

-- One user's events in id order: the listing (newest first) and the stream's catch-up.
CREATE INDEX activity_events_user_id_id_idx ON activity_events (user_id, id);
