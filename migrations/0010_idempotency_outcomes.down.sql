-- Back to stored HTTP responses: recorded outcomes cannot be turned into
-- them here, so completed records expire (orders keep their key).
DELETE FROM idempotency_keys WHERE state = 'completed';
ALTER TABLE idempotency_keys DROP COLUMN outcome;
ALTER TABLE idempotency_keys
  ADD COLUMN response_status integer NULL CHECK (response_status BETWEEN 100 AND 599),
  ADD COLUMN response_body text NULL,
  ADD CHECK ((state = 'completed') = (response_status IS NOT NULL));
