DROP TABLE feature_flag_changes;
DROP TABLE feature_flags;
