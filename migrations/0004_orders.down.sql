DROP TABLE idempotency_keys;
DROP TABLE stock_reservations;
DROP TABLE order_lines;
DROP TABLE orders;
