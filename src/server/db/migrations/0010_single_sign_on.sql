-- Single sign-on through OpenID Connect (memo U2, the unified login): per school configuration,
-- per person policy and link.
ALTER TABLE schools ADD COLUMN sso_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE schools ADD COLUMN sso_issuer text;
ALTER TABLE schools ADD COLUMN sso_client_id text;
ALTER TABLE schools ADD COLUMN sso_client_secret text;      -- sealed under the server key
ALTER TABLE schools ADD COLUMN sso_email_link boolean NOT NULL DEFAULT false;
ALTER TABLE schools ADD COLUMN sso_reviewed_at timestamptz;
ALTER TABLE users ADD COLUMN sso_mode text NOT NULL DEFAULT 'local' CHECK (sso_mode IN ('local', 'allowed', 'required'));
ALTER TABLE users ADD COLUMN sso_subject text;
CREATE UNIQUE INDEX users_sso_subject ON users (school_id, sso_subject) WHERE sso_subject IS NOT NULL;

-- A sign-in in flight: state, PKCE verifier and nonce, used once within 10 minutes.
CREATE TABLE sso_attempts (
  state text PRIMARY KEY,
  school_id uuid NOT NULL REFERENCES schools(id),
  code_verifier text NOT NULL,
  nonce text NOT NULL,
  link_user_id uuid REFERENCES users(id),
  created_at timestamptz NOT NULL
);

INSERT INTO role_permissions (school_id, role_id, permission, scope)
SELECT r.school_id, r.id, 'sso.manage', 'school' FROM roles r WHERE r.template_key = 'system_admin'
ON CONFLICT DO NOTHING;
