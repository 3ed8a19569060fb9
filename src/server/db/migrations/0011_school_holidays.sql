-- School holidays, so time profiles can treat them differently (memo U2).
CREATE TABLE school_holidays (
  school_id uuid NOT NULL REFERENCES schools(id),
  day date NOT NULL,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  PRIMARY KEY (school_id, day)
);
ALTER TABLE school_holidays ENABLE ROW LEVEL SECURITY;
ALTER TABLE school_holidays FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON school_holidays TO sams_app USING (school_id = app_school()) WITH CHECK (school_id = app_school());
DO $$ BEGIN EXECUTE format('CREATE POLICY system ON school_holidays TO %I USING (true) WITH CHECK (true)', current_user); END $$;
GRANT SELECT, INSERT, UPDATE, DELETE ON school_holidays TO sams_app;
-- On a school holiday a profile either applies as on any other day, or allows nothing.
ALTER TABLE time_profiles ADD COLUMN on_holidays text NOT NULL DEFAULT 'as_usual' CHECK (on_holidays IN ('as_usual', 'closed'));
