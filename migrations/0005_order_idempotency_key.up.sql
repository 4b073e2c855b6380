-- An order remembers the Idempotency-Key that placed it, written in the same
-- transaction as the order: after a crash, a retry with the key finds the
-- order (or learns there is none) even though the key was never completed.
-- The unique index also stops a second live order under one key, whatever
-- happens to the idempotency record. An order that failed with everything
-- undone (payment_failed, rejected) lets go of its key: its request was
-- abandoned, and a retry under the key places a new order.
ALTER TABLE orders ADD COLUMN idempotency_key text NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 255);
CREATE UNIQUE INDEX orders_user_idempotency_key_idx ON orders (user_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL AND status NOT IN ('payment_failed', 'rejected');
CREATE INDEX orders_user_idempotency_key_lookup_idx ON orders (user_id, idempotency_key, id DESC) WHERE idempotency_key IS NOT NULL;

-- Stored responses are replayed byte for byte: text keeps the JSON as it was
-- written, where jsonb reorders object keys.
ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE text USING response_body::text;
