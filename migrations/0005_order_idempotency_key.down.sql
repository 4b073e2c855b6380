ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE jsonb USING response_body::jsonb;
DROP INDEX orders_user_idempotency_key_lookup_idx;
DROP INDEX orders_user_idempotency_key_idx;
ALTER TABLE orders DROP COLUMN idempotency_key;
