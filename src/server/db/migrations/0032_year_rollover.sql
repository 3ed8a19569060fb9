-- Memo O3 (issue 11 parts 3 and 4): the plan of the next school year (its classes, promotion
-- decisions and class-number order), and what a migration did, so it can be undone exactly.

-- One plan per year rolled over from. `draft` until migrated; an undo makes it a draft again;
-- a reset deletes it (and, by cascade, its classes and decisions).
CREATE TABLE rollover_plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  from_year_id uuid NOT NULL,
  to_code text NOT NULL,
  to_starts_on date NOT NULL,
  to_ends_on date NOT NULL,
  number_order text NOT NULL DEFAULT 'name_en' CHECK (number_order IN ('name_en', 'name_zh', 'kept')),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'migrated')),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  created_by uuid,
  -- Set by a migration, cleared by its undo.
  to_year_id uuid,
  migrated_at timestamptz,
  migrated_by uuid,
  -- What the migration wrote and what it changed (ids created; rows updated, as they were before).
  undo jsonb,
  -- Counts and md5 of the touched tables just before and just after the migration.
  checksum_before jsonb,
  checksum_after jsonb,
  UNIQUE (school_id, from_year_id)
);
SELECT sams_school_table('rollover_plans');
SELECT sams_school_reference('rollover_plans', 'from_year_id', 'school_years');
SELECT sams_school_reference('rollover_plans', 'created_by', 'users', 'ON DELETE SET NULL (created_by)');
SELECT sams_school_reference('rollover_plans', 'migrated_by', 'users', 'ON DELETE SET NULL (migrated_by)');

-- The next year's classes as planned (copied from the year rolled over from, then adjusted).
-- Codes are not unique here on purpose: two classes with one code are refused by name when the plan is saved.
CREATE TABLE rollover_classes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  plan_id uuid NOT NULL,
  position integer NOT NULL,
  code text NOT NULL,
  level text NOT NULL CHECK (level IN ('P1','P2','P3','P4','P5','P6','S1','S2','S3','S4','S5','S6')),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  stream text,
  capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 99),
  -- The class whose class subjects (subject and medium) the new class takes, if any.
  subjects_from uuid
);
SELECT sams_school_table('rollover_classes');
SELECT sams_school_reference('rollover_classes', 'plan_id', 'rollover_plans', 'ON DELETE CASCADE');
SELECT sams_school_reference('rollover_classes', 'subjects_from', 'classes', 'ON DELETE SET NULL (subjects_from)');
CREATE INDEX rollover_classes_plan ON rollover_classes (plan_id, position);

-- Decisions set by hand (the rule decides everyone else): promote, repeat, leave or admit, into a
-- named class or the rule's, with the reason.
CREATE TABLE rollover_decisions (
  school_id uuid NOT NULL REFERENCES schools(id),
  plan_id uuid NOT NULL,
  student_id uuid NOT NULL,
  action text NOT NULL CHECK (action IN ('promote', 'repeat', 'leave', 'admit')),
  class_code text,
  reason text,
  decided_by uuid,
  decided_at timestamptz NOT NULL,
  PRIMARY KEY (plan_id, student_id)
);
SELECT sams_school_table('rollover_decisions');
SELECT sams_school_reference('rollover_decisions', 'plan_id', 'rollover_plans', 'ON DELETE CASCADE');
SELECT sams_school_reference('rollover_decisions', 'student_id', 'students', 'ON DELETE CASCADE');
SELECT sams_school_reference('rollover_decisions', 'decided_by', 'users', 'ON DELETE SET NULL (decided_by)');
