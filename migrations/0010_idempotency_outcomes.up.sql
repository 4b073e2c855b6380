-- An idempotency record keeps the outcome the placement came to (placed,
-- pending, refused: the use-case's domain value, as JSON text so its keys
-- keep their order), no longer an HTTP status and body, and its fingerprint
-- is taken from the command (caller, lines, payment) rather than method and
-- path, so every transport shares keys.
-- Completed records from before cannot be carried over: their fingerprints
-- were taken the old way. They expire now. A retry under such a key is still
-- answered from the order placed under it (orders keep their key), and a key
-- whose order failed runs afresh, as it would have after 24 hours.
DELETE FROM idempotency_keys WHERE state = 'completed';
-- Dropping response_status drops the check that tied it to the state.
ALTER TABLE idempotency_keys DROP COLUMN response_status, DROP COLUMN response_body;
ALTER TABLE idempotency_keys ADD COLUMN outcome text NULL;
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_outcome_check CHECK ((state = 'completed') = (outcome IS NOT NULL));
