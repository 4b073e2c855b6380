-- Integration events (see docs/events.md). Each row is written in the
-- transaction that makes its fact true; the relay publishes pending rows in
-- `seq` order and stamps `published_at`; a scheduled task purges published
-- rows after a retention.
--
-- Events of one aggregate are written under that aggregate's row lock, so
-- their `seq` follows their commit order.
CREATE TABLE outbox (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  aggregate text NOT NULL CHECK (aggregate IN ('order', 'user', 'product')),
  aggregate_id uuid NOT NULL,
  type text NOT NULL CHECK (char_length(type) BETWEEN 1 AND 128),
  -- The whole CloudEvents 1.0 JSON envelope, as published.
  envelope jsonb NOT NULL CHECK (jsonb_typeof(envelope) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  attempts integer NOT NULL DEFAULT 0
);

-- The relay's scan: pending rows in order; the purge: published rows by age.
CREATE INDEX outbox_pending_idx ON outbox (seq) WHERE published_at IS NULL;
CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Events a consumer has applied: a redelivered event id is skipped.
CREATE TABLE inbox (
  consumer text NOT NULL CHECK (char_length(consumer) BETWEEN 1 AND 64),
  event_id uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX inbox_processed_at_idx ON inbox (processed_at);

-- The read model of the product-sales consumer: units and revenue of paid orders.
CREATE TABLE product_sales (
  product_id uuid PRIMARY KEY,
  units_sold bigint NOT NULL DEFAULT 0,
  revenue_minor bigint NOT NULL DEFAULT 0,
  currency char(3) NOT NULL,
  orders_count bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
