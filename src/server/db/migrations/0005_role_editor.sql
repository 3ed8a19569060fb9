-- Role editor (issue 4): roles people define, assignments with start and end dates.
ALTER TABLE roles ADD COLUMN updated_at timestamptz;
-- An assignment in user_roles is in force now; ends_on is when it lapses (the scheduler removes it).
ALTER TABLE user_roles ADD COLUMN ends_on date;
-- Assignments that start later wait here until the scheduler puts them in force on starts_on.
CREATE TABLE planned_role_grants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  user_id uuid NOT NULL REFERENCES users(id),
  role_id uuid NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  starts_on date NOT NULL,
  ends_on date,
  granted_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL,
  CHECK (ends_on IS NULL OR ends_on >= starts_on),
  UNIQUE (user_id, role_id, starts_on)
);
ALTER TABLE planned_role_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE planned_role_grants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON planned_role_grants TO sams_app USING (school_id = app_school()) WITH CHECK (school_id = app_school());
DO $$ BEGIN EXECUTE format('CREATE POLICY system ON planned_role_grants TO %I USING (true) WITH CHECK (true)', current_user); END $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON planned_role_grants TO sams_app;

-- System administrators of schools set up earlier get the new permission.
INSERT INTO role_permissions (school_id, role_id, permission, scope)
SELECT r.school_id, r.id, 'roles.manage', 'school' FROM roles r WHERE r.template_key = 'system_admin'
ON CONFLICT DO NOTHING;
