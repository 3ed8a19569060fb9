-- Network zones and time profiles (memo U2): from which networks, and when, each role may sign in.
CREATE TABLE network_zones (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  cidrs text[] NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (school_id, name_en)
);
CREATE TABLE time_profiles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  weekdays integer[] NOT NULL,          -- 1 = Monday … 7 = Sunday, Hong Kong time
  start_minute integer NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute integer NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
  CHECK (end_minute > start_minute),
  UNIQUE (school_id, name_en)
);
-- A role may use a zone (zone_id), or the Internet — everywhere not in a zone — (zone_id NULL),
-- optionally only within a time profile.
CREATE TABLE role_network_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  role_id uuid NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  zone_id uuid REFERENCES network_zones(id) ON DELETE CASCADE,
  time_profile_id uuid REFERENCES time_profiles(id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX role_network_rules_one ON role_network_rules (role_id, coalesce(zone_id, '00000000-0000-0000-0000-000000000000'));
-- When the network policy was last reviewed (memo U2 checks) and whether it is in force.
ALTER TABLE schools ADD COLUMN network_policy_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE schools ADD COLUMN network_policy_reviewed_at timestamptz;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['network_zones', 'time_profiles', 'role_network_rules'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I TO sams_app USING (school_id = app_school()) WITH CHECK (school_id = app_school())', t);
    EXECUTE format('CREATE POLICY system ON %I TO %I USING (true) WITH CHECK (true)', t, current_user);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sams_app', t);
  END LOOP;
END $$;

INSERT INTO role_permissions (school_id, role_id, permission, scope)
SELECT r.school_id, r.id, 'network.manage', 'school' FROM roles r WHERE r.template_key = 'system_admin'
ON CONFLICT DO NOTHING;
