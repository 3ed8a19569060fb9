-- Handover plans (memo U3): a leaving or re-assigned person's holdings, each to a named successor.
CREATE TABLE handover_plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  user_id uuid NOT NULL REFERENCES users(id),
  reason text NOT NULL CHECK (reason IN ('leaving', 'duty_change')),
  effective_on date NOT NULL,
  disable_account boolean NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'approved', 'applied', 'cancelled')),
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL,
  approved_by uuid REFERENCES users(id),
  approved_at timestamptz,
  applied_at timestamptz
);
CREATE UNIQUE INDEX handover_plans_one_open ON handover_plans (user_id) WHERE status IN ('draft', 'approved');
CREATE TABLE handover_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  plan_id uuid NOT NULL REFERENCES handover_plans(id) ON DELETE CASCADE,
  kind text NOT NULL,
  holding_key text NOT NULL,
  label_en text NOT NULL,
  label_zh text NOT NULL,
  successor_id uuid REFERENCES users(id),
  UNIQUE (plan_id, kind, holding_key)
);
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['handover_plans', 'handover_items'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I TO sams_app USING (school_id = app_school()) WITH CHECK (school_id = app_school())', t);
    EXECUTE format('CREATE POLICY system ON %I TO %I USING (true) WITH CHECK (true)', t, current_user);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sams_app', t);
  END LOOP;
END $$;

INSERT INTO role_permissions (school_id, role_id, permission, scope)
SELECT r.school_id, r.id, p.permission, 'school' FROM roles r
JOIN (VALUES ('system_admin', 'handover.manage'), ('seo', 'handover.manage'), ('principal', 'handover.approve'), ('principal', 'handover.manage')) AS p(template_key, permission)
  ON p.template_key = r.template_key
ON CONFLICT DO NOTHING;
