-- Authentication. A user created by an admin has no password (NULL) and
-- cannot log in until one is set.
ALTER TABLE users ADD COLUMN password_hash text NULL;

-- One row per login. The id is the SHA-256 (hex) of the bearer token: the
-- token itself is never stored. `roles` is the snapshot the session grants;
-- changing a user's roles revokes their sessions. `expires_at` slides with
-- use (idle timeout) but never past `absolute_expires_at`.
CREATE TABLE sessions (
  id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  roles text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  absolute_expires_at timestamptz NOT NULL,
  CHECK (expires_at <= absolute_expires_at)
);

-- Revoking every session of a user; purging expired sessions.
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
