-- Every job, queue and schedule of pg-boss goes with its schema.
DROP SCHEMA pgboss CASCADE;
DROP TABLE notifications;
DROP TABLE job_effects;
