-- Sign-in names are unique within their organisation (issue 15, part 5): a school creating
-- `sysadmin` no longer learns that another school has one. Sign-in looks a name up within the
-- organisation whose code (school number or authority code) the login form sends. Every existing
-- name was unique across the installation, so it stays unique within its organisation and everyone
-- signs in as before (on an installation with one organisation, without typing the code).
ALTER TABLE users DROP CONSTRAINT users_username_key;
ALTER TABLE users ADD CONSTRAINT users_school_username_key UNIQUE (school_id, username);
-- Sign-in finds a name before it compares the organisation's code.
CREATE INDEX users_username ON users (username);
