-- Privileged accounts (memo S1, issue 12 part 2): what kind each account is, the sealed break-glass
-- administrator, a change required on suspicion, the school's rotation period for shared passwords,
-- and the previous five password hashes of every account (no reuse).

-- personal: one named person (the default; not force-rotated, ASVS 5 6.2.10). shared: a login several
-- people know (the memo's sysadmin / asysadmin). break_glass: the sealed emergency administrator,
-- whose password exists only on its printed sheet.
ALTER TABLE users ADD COLUMN account_kind text NOT NULL DEFAULT 'personal' CHECK (account_kind IN ('personal', 'shared', 'break_glass'));
-- When the current break-glass sheet was printed (the password generated), and when it was last used
-- to sign in: sealed while used_at is NULL or before sealed_at.
ALTER TABLE users ADD COLUMN sealed_at timestamptz;
ALTER TABLE users ADD COLUMN break_glass_used_at timestamptz;
-- When an administrator required a change "on suspicion" (the change is pending while
-- must_change_password is set; its deadline is counted from here, or from an administrator's reset).
ALTER TABLE users ADD COLUMN password_change_requested_at timestamptz;
-- One break-glass account per school.
CREATE UNIQUE INDEX users_one_break_glass ON users (school_id) WHERE account_kind = 'break_glass';

-- How long a shared or break-glass password may be kept, in days.
ALTER TABLE schools ADD COLUMN password_rotation_days integer NOT NULL DEFAULT 180 CHECK (password_rotation_days BETWEEN 30 AND 730);

-- The hashes (argon2id, as stored) of each account's previous passwords, newest last; at most five.
-- Written by the database whenever a password hash changes, so every way of setting one (own change,
-- administrator's reset, break-glass reseal) keeps the history without remembering to.
CREATE TABLE password_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  school_id uuid NOT NULL REFERENCES schools(id),
  user_id uuid NOT NULL,
  password_hash text NOT NULL,
  replaced_at timestamptz NOT NULL
);
SELECT sams_school_table('password_history');
SELECT sams_school_reference('password_history', 'user_id', 'users', 'ON DELETE CASCADE');
CREATE INDEX password_history_user ON password_history (user_id, id);

CREATE FUNCTION sams_remember_password() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO password_history (school_id, user_id, password_hash, replaced_at)
  VALUES (OLD.school_id, OLD.id, OLD.password_hash, NEW.password_changed_at);
  DELETE FROM password_history WHERE user_id = OLD.id AND id NOT IN (
    SELECT id FROM password_history WHERE user_id = OLD.id ORDER BY id DESC LIMIT 5);
  RETURN NEW;
END $$;
CREATE TRIGGER users_password_history AFTER UPDATE OF password_hash ON users
  FOR EACH ROW WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash) EXECUTE FUNCTION sams_remember_password();

-- Rotation warnings (14, 7 and 1 days before a shared or break-glass password is due) are sent once
-- per account, password and threshold through the notification's idempotency key; nothing to store.
