-- The sandbox payment gateway's authorizations (embedded default only): kept
-- across restarts so that `npm run reconcile` compares orders with what the
-- sandbox really authorized. A real gateway keeps its own state elsewhere.
CREATE TABLE payment_sandbox_authorizations (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  status text NOT NULL,
  decline_code text,
  amount bigint NOT NULL,
  currency text NOT NULL,
  card_token text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX payment_sandbox_authorizations_created_at ON payment_sandbox_authorizations (created_at DESC);
