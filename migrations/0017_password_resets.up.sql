-- One-time tokens an admin issues so a user can set a password (no email
-- system is assumed: the admin hands the token over). Only the SHA-256 of
-- a token is kept; a user has at most one live token; redeeming deletes it.
CREATE TABLE password_resets (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
