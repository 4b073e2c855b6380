-- Secrets the replicas must share and nobody configured, such as the key
-- that signs pagination cursors when CURSOR_SIGNING_KEY is unset: the first
-- replica to start stores a random one, every other replica reads it.
CREATE TABLE service_keys (
  name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,62}$'),
  secret bytea NOT NULL CHECK (length(secret) >= 32),
  created_at timestamptz NOT NULL DEFAULT now()
);
