-- Access-review campaigns (memo U1): reviewers decide keep / remove for each person's role.
CREATE TABLE access_reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  name text NOT NULL,
  role_ids uuid[],                                  -- null = every role
  status text NOT NULL CHECK (status IN ('open', 'completed', 'cancelled')),
  due_on date NOT NULL,
  recurrence_months integer NOT NULL DEFAULT 12 CHECK (recurrence_months BETWEEN 1 AND 36),
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL,
  completed_at timestamptz,
  completed_by uuid REFERENCES users(id),
  report_csv text
);
CREATE INDEX access_reviews_school ON access_reviews (school_id, created_at DESC);

CREATE TABLE access_review_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  review_id uuid NOT NULL REFERENCES access_reviews(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id),
  role_id uuid NOT NULL REFERENCES roles(id),
  reviewer_id uuid NOT NULL REFERENCES users(id),
  recommendation text CHECK (recommendation IN ('inactive', 'staff_left', 'staff_on_leave')),
  decision text CHECK (decision IN ('keep', 'remove')),
  reason text,
  decided_at timestamptz,
  decided_by uuid REFERENCES users(id),
  UNIQUE (review_id, user_id, role_id)
);
CREATE INDEX access_review_items_reviewer ON access_review_items (reviewer_id) WHERE decision IS NULL;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['access_reviews', 'access_review_items'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I TO sams_app USING (school_id = app_school()) WITH CHECK (school_id = app_school())', t);
    EXECUTE format('CREATE POLICY system ON %I TO %I USING (true) WITH CHECK (true)', t, current_user);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sams_app', t);
  END LOOP;
END $$;

-- Principals run campaigns; system administrators may too.
INSERT INTO role_permissions (school_id, role_id, permission, scope)
SELECT r.school_id, r.id, p.permission, 'school' FROM roles r
JOIN (VALUES ('principal', 'access_reviews.manage'), ('principal', 'access_reviews.review'), ('principal', 'roles.read'),
             ('vice_principal', 'access_reviews.review'),
             ('system_admin', 'access_reviews.manage'), ('system_admin', 'access_reviews.review')) AS p(template_key, permission)
  ON p.template_key = r.template_key
ON CONFLICT DO NOTHING;
