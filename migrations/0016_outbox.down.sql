DROP TABLE product_sales;
DROP TABLE inbox;
DROP TABLE outbox;
