DROP TRIGGER users_changed ON users;
DROP FUNCTION notify_users_changed();
DROP TRIGGER user_roles_removed ON user_roles;
DROP TRIGGER user_roles_added ON user_roles;
DROP FUNCTION notify_roles_changed();
DROP TRIGGER sessions_ended ON sessions;
DROP FUNCTION notify_sessions_ended();
DROP FUNCTION notify_identity(text, text[]);
