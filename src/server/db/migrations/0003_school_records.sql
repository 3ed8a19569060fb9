-- School records: years, classes, subjects, staff and students (issue 3).

-- A permission can be limited to part of the school (data scope, as WebSAMS's access teams).
ALTER TABLE role_permissions ADD COLUMN scope text NOT NULL DEFAULT 'school' CHECK (scope IN ('school', 'own_classes'));

CREATE TABLE school_years (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  code text NOT NULL,                 -- '2026/27'
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  status text NOT NULL CHECK (status IN ('planned', 'current', 'finished')),
  UNIQUE (school_id, code),
  CHECK (ends_on > starts_on)
);
CREATE UNIQUE INDEX school_years_one_current ON school_years (school_id) WHERE status = 'current';

CREATE TABLE staff (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  staff_code text NOT NULL,
  name_zh text,
  name_en text NOT NULL,
  post text,
  status text NOT NULL CHECK (status IN ('serving', 'on_leave', 'left')),
  join_date date,
  leave_date date,
  email text,
  user_id uuid REFERENCES users(id),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (school_id, staff_code),
  UNIQUE (user_id),
  CHECK (leave_date IS NULL OR join_date IS NULL OR leave_date >= join_date)
);

CREATE TABLE classes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  year_id uuid NOT NULL REFERENCES school_years(id),
  code text NOT NULL,                 -- '5D'
  level text NOT NULL CHECK (level IN ('P1','P2','P3','P4','P5','P6','S1','S2','S3','S4','S5','S6')),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  stream text,
  UNIQUE (year_id, code)
);

CREATE TABLE class_teachers (
  school_id uuid NOT NULL REFERENCES schools(id),
  class_id uuid NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
  staff_id uuid NOT NULL REFERENCES staff(id),
  PRIMARY KEY (class_id, staff_id)
);

CREATE TABLE subjects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  code text NOT NULL,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  edb_code text,
  UNIQUE (school_id, code)
);

CREATE TABLE class_subjects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  class_id uuid NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
  subject_id uuid NOT NULL REFERENCES subjects(id),
  medium text NOT NULL CHECK (medium IN ('chinese', 'english', 'mixed')),
  UNIQUE (class_id, subject_id)
);

CREATE TABLE class_subject_teachers (
  school_id uuid NOT NULL REFERENCES schools(id),
  class_subject_id uuid NOT NULL REFERENCES class_subjects(id) ON DELETE CASCADE,
  staff_id uuid NOT NULL REFERENCES staff(id),
  PRIMARY KEY (class_subject_id, staff_id)
);

CREATE TABLE students (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  reg_no text NOT NULL,
  strn text,
  name_zh text,
  name_en text NOT NULL,
  sex text NOT NULL CHECK (sex IN ('M', 'F')),
  date_of_birth date NOT NULL,
  id_type text NOT NULL CHECK (id_type IN ('hkid', 'passport', 'other')),
  id_number text NOT NULL,
  entry_date date NOT NULL,
  status text NOT NULL CHECK (status IN ('on_roll', 'left', 'graduated')),
  leave_date date,
  leave_reason text,
  version integer NOT NULL DEFAULT 1,
  UNIQUE (school_id, reg_no),
  UNIQUE (school_id, strn),
  CHECK (leave_date IS NULL OR leave_date >= entry_date),
  CHECK (date_of_birth < entry_date)
);
CREATE INDEX students_name_en ON students (school_id, lower(name_en) text_pattern_ops);

-- A student's place (class + class number) per year, with its history.
CREATE TABLE student_classes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  student_id uuid NOT NULL REFERENCES students(id),
  year_id uuid NOT NULL REFERENCES school_years(id),
  class_id uuid NOT NULL REFERENCES classes(id),
  class_number integer NOT NULL CHECK (class_number BETWEEN 1 AND 99),
  from_date date NOT NULL,
  to_date date,
  CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE UNIQUE INDEX student_classes_number ON student_classes (class_id, class_number) WHERE to_date IS NULL;
CREATE UNIQUE INDEX student_classes_one_place ON student_classes (student_id, year_id) WHERE to_date IS NULL;
CREATE INDEX student_classes_class ON student_classes (class_id) WHERE to_date IS NULL;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['school_years', 'staff', 'classes', 'class_teachers', 'subjects', 'class_subjects',
                           'class_subject_teachers', 'students', 'student_classes'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I TO sams_app USING (school_id = app_school()) WITH CHECK (school_id = app_school())', t);
    EXECUTE format('CREATE POLICY system ON %I TO %I USING (true) WITH CHECK (true)', t, current_user);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sams_app', t);
  END LOOP;
END $$;

-- Schools set up before this migration: give their template roles the new permissions.
INSERT INTO role_permissions (school_id, role_id, permission, scope)
SELECT r.school_id, r.id, g.permission, g.scope
FROM roles r
JOIN (VALUES
  ('system_admin', 'school.setup.manage', 'school'), ('system_admin', 'classes.read', 'school'), ('system_admin', 'staff.read', 'school'),
  ('system_admin', 'staff.manage', 'school'), ('system_admin', 'students.read', 'school'), ('system_admin', 'students.manage', 'school'),
  ('system_admin', 'students.reveal_id', 'school'),
  ('principal', 'classes.read', 'school'), ('principal', 'staff.read', 'school'), ('principal', 'students.read', 'school'),
  ('vice_principal', 'classes.read', 'school'), ('vice_principal', 'staff.read', 'school'), ('vice_principal', 'students.read', 'school'),
  ('panel_head', 'classes.read', 'school'), ('panel_head', 'staff.read', 'school'), ('panel_head', 'students.read', 'school'),
  ('seo', 'classes.read', 'school'), ('seo', 'staff.read', 'school'), ('seo', 'staff.manage', 'school'), ('seo', 'students.read', 'school'),
  ('teacher', 'classes.read', 'school'), ('teacher', 'staff.read', 'school'), ('teacher', 'students.read', 'own_classes'),
  ('office_staff', 'classes.read', 'school'), ('office_staff', 'school.setup.manage', 'school'), ('office_staff', 'staff.read', 'school'),
  ('office_staff', 'students.read', 'school'), ('office_staff', 'students.manage', 'school'), ('office_staff', 'students.reveal_id', 'school')
) AS g(template_key, permission, scope) ON g.template_key = r.template_key
ON CONFLICT DO NOTHING;
