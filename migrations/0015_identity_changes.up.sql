-- Changes to who may do what, announced to every replica whoever made them
-- (the service, `npm run create-admin`, psql): NOTIFY ordersvc_identity with
-- {"sessions": [user ids]} when live sessions end and {"users": [user ids]}
-- when a user or their roles change. Replicas then drop their cached copies
-- (sessions in Redis, users in the caches), so the change holds at once.
-- At most 100 ids per notification, well under NOTIFY's 8000-byte payload.
CREATE FUNCTION notify_identity(kind text, ids text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  first integer := 1;
BEGIN
  WHILE ids IS NOT NULL AND first <= array_length(ids, 1) LOOP
    PERFORM pg_notify('ordersvc_identity', json_build_object(kind, ids[first:first + 99])::text);
    first := first + 100;
  END LOOP;
END $$;

CREATE FUNCTION notify_sessions_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Purging expired sessions tells nobody anything.
  PERFORM notify_identity('sessions', (SELECT array_agg(DISTINCT user_id::text) FROM ended WHERE expires_at > now()));
  RETURN NULL;
END $$;

CREATE TRIGGER sessions_ended AFTER DELETE ON sessions
  REFERENCING OLD TABLE AS ended FOR EACH STATEMENT EXECUTE FUNCTION notify_sessions_ended();

CREATE FUNCTION notify_roles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notify_identity('users', (SELECT array_agg(DISTINCT user_id::text) FROM changed));
  RETURN NULL;
END $$;

CREATE TRIGGER user_roles_added AFTER INSERT ON user_roles
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_roles_changed();
CREATE TRIGGER user_roles_removed AFTER DELETE ON user_roles
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_roles_changed();

CREATE FUNCTION notify_users_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notify_identity('users', (SELECT array_agg(DISTINCT id::text) FROM changed));
  RETURN NULL;
END $$;

CREATE TRIGGER users_changed AFTER UPDATE ON users
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_users_changed();
