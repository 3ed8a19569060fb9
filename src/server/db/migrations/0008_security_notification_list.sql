-- The security notification list (memo U1): who is told about which security events, reviewed yearly.
CREATE TABLE security_recipients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  user_id uuid REFERENCES users(id),
  email text,
  events text[] NOT NULL,
  created_at timestamptz NOT NULL,
  CHECK ((user_id IS NULL) <> (email IS NULL))
);
ALTER TABLE security_recipients ENABLE ROW LEVEL SECURITY;
ALTER TABLE security_recipients FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON security_recipients TO sams_app USING (school_id = app_school()) WITH CHECK (school_id = app_school());
DO $$ BEGIN EXECUTE format('CREATE POLICY system ON security_recipients TO %I USING (true) WITH CHECK (true)', current_user); END $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON security_recipients TO sams_app;

ALTER TABLE schools ADD COLUMN notification_list_reviewed_at timestamptz;
ALTER TABLE schools ADD COLUMN notification_list_reviewed_by uuid REFERENCES users(id);

INSERT INTO role_permissions (school_id, role_id, permission, scope)
SELECT r.school_id, r.id, p.permission, 'school' FROM roles r
JOIN (VALUES ('system_admin', 'notify.list.manage'), ('principal', 'notify.list.manage')) AS p(template_key, permission) ON p.template_key = r.template_key
ON CONFLICT DO NOTHING;
