-- Foundation: schools, accounts, sessions, roles, audit chain, notifications, jobs.
-- Every school-owned table has school_id, row-level security enabled and forced, and a policy
-- that confines the application role (sams_app) to the school in app.school_id.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sams_app') THEN
    BEGIN
      CREATE ROLE sams_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  IF NOT pg_has_role(current_user, 'sams_app', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT sams_app TO %I', current_user);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- granted meanwhile by a concurrent migration
    END;
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO sams_app;

CREATE FUNCTION app_school() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.school_id', true), '')::uuid $$;

-- Platform tables (owner only) ------------------------------------------------------------

CREATE TABLE server_meta (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE setup_tokens (
  token_hash bytea PRIMARY KEY,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  school_id uuid
);

CREATE TABLE rate_limits (
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (key, window_start)
);

CREATE TABLE job_runs (
  idem_key text PRIMARY KEY,
  job text NOT NULL,
  school_id uuid,
  ran_at timestamptz NOT NULL
);

-- Schools ---------------------------------------------------------------------------------

CREATE TABLE schools (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  school_number text NOT NULL UNIQUE,
  privileged_limit integer NOT NULL DEFAULT 3 CHECK (privileged_limit BETWEEN 1 AND 20),
  -- The school key's public half only (DESIGN rule 4): X25519 for encryption, Ed25519 for signing.
  key_box_public bytea NOT NULL,
  key_sign_public bytea NOT NULL,
  key_fingerprint text NOT NULL,
  key_created_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  username text NOT NULL UNIQUE,
  display_name_zh text,
  display_name_en text NOT NULL,
  email text,
  password_hash text NOT NULL,
  password_changed_at timestamptz NOT NULL,
  must_change_password boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  locked_until timestamptz,
  totp_secret text,
  totp_pending text,
  totp_last_step bigint,
  mfa_enrolled_at timestamptz,
  locale text NOT NULL DEFAULT 'zh-HK' CHECK (locale IN ('zh-HK', 'en')),
  last_login_at timestamptz,
  created_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX users_school ON users (school_id);

CREATE TABLE recovery_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  user_id uuid NOT NULL REFERENCES users(id),
  code_hash bytea NOT NULL,
  used_at timestamptz
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

CREATE TABLE auth_failures (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  school_id uuid NOT NULL REFERENCES schools(id),
  user_id uuid NOT NULL REFERENCES users(id),
  at timestamptz NOT NULL
);
CREATE INDEX auth_failures_user ON auth_failures (user_id, at);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash bytea NOT NULL UNIQUE,
  school_id uuid NOT NULL REFERENCES schools(id),
  user_id uuid NOT NULL REFERENCES users(id),
  stage text NOT NULL CHECK (stage IN ('mfa', 'enrol', 'password', 'done')),
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  ip text,
  user_agent text,
  -- Set when the person's rights change: the next request gets a new session id.
  rotate boolean NOT NULL DEFAULT false
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_school ON sessions (school_id, last_seen_at);

CREATE TABLE roles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  template_key text,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (school_id, template_key)
);

CREATE TABLE role_permissions (
  school_id uuid NOT NULL REFERENCES schools(id),
  role_id uuid NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  permission text NOT NULL,
  PRIMARY KEY (role_id, permission)
);

CREATE TABLE user_roles (
  school_id uuid NOT NULL REFERENCES schools(id),
  user_id uuid NOT NULL REFERENCES users(id),
  role_id uuid NOT NULL REFERENCES roles(id),
  granted_at timestamptz NOT NULL,
  granted_by uuid REFERENCES users(id),
  PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role ON user_roles (role_id);

-- Audit chain: one chain per school (chain_id = school id) and one for the platform. ----------

CREATE TABLE audit_heads (
  chain_id uuid PRIMARY KEY,
  school_id uuid REFERENCES schools(id),
  seq bigint NOT NULL,
  hash bytea NOT NULL
);

CREATE TABLE audit_log (
  chain_id uuid NOT NULL,
  seq bigint NOT NULL,
  school_id uuid REFERENCES schools(id),
  occurred_at timestamptz NOT NULL,
  actor_id uuid,
  actor_name text,
  action text NOT NULL,
  target text,
  ip text,
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
  details jsonb NOT NULL DEFAULT '{}',
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  PRIMARY KEY (chain_id, seq)
);
CREATE INDEX audit_log_actor ON audit_log (chain_id, actor_name, seq);
CREATE INDEX audit_log_action ON audit_log (chain_id, action, seq);
CREATE INDEX audit_log_time ON audit_log (chain_id, occurred_at);

CREATE FUNCTION audit_log_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();

INSERT INTO audit_heads (chain_id, school_id, seq, hash)
VALUES ('00000000-0000-0000-0000-000000000000', NULL, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');

-- Notifications and mail -------------------------------------------------------------------

CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  user_id uuid NOT NULL REFERENCES users(id),
  kind text NOT NULL,
  title_key text NOT NULL,
  params jsonb NOT NULL DEFAULT '{}',
  link text,
  created_at timestamptz NOT NULL,
  read_at timestamptz,
  idem_key text UNIQUE
);
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);

CREATE TABLE mail_outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  to_addr text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  status text NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'held')),
  attempts integer NOT NULL DEFAULT 0,
  error text,
  idem_key text UNIQUE
);
CREATE INDEX mail_outbox_school ON mail_outbox (school_id, created_at DESC);
CREATE INDEX mail_outbox_queued ON mail_outbox (status) WHERE status = 'queued';

-- Row-level security -----------------------------------------------------------------------

ALTER TABLE schools ENABLE ROW LEVEL SECURITY;
ALTER TABLE schools FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON schools TO sams_app USING (id = app_school()) WITH CHECK (id = app_school());
CREATE POLICY system ON schools TO CURRENT_USER USING (true) WITH CHECK (true);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'recovery_codes', 'auth_failures', 'sessions', 'roles', 'role_permissions',
                           'user_roles', 'audit_heads', 'audit_log', 'notifications', 'mail_outbox'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I TO sams_app USING (school_id = app_school()) WITH CHECK (school_id = app_school())', t);
    EXECUTE format('CREATE POLICY system ON %I TO %I USING (true) WITH CHECK (true)', t, current_user);
  END LOOP;
END $$;

GRANT SELECT, UPDATE ON schools TO sams_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON users, recovery_codes, auth_failures, sessions, roles, role_permissions,
  user_roles, notifications, mail_outbox TO sams_app;
GRANT SELECT, UPDATE ON audit_heads TO sams_app;
-- The audit log can be read and appended to, never changed: no UPDATE or DELETE for the application.
GRANT SELECT, INSERT ON audit_log TO sams_app;
