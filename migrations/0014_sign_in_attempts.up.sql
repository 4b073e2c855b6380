-- Sign-in attempts in a row per account (the SHA-256 of the lower-cased
-- email, so unknown emails leave no address behind), shared by every
-- replica when Redis is not configured. `locked_until` is the end of the
-- wait the last counted attempt started; the row is forgotten after
-- `expires_at`.
CREATE TABLE sign_in_attempts (
  account text PRIMARY KEY CHECK (account ~ '^[0-9a-f]{64}$'),
  attempts integer NOT NULL CHECK (attempts >= 1),
  locked_until timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE INDEX sign_in_attempts_expires_at_idx ON sign_in_attempts (expires_at);
