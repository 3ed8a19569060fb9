-- Memo O3, issue 11 parts 1 and 2: the annual work calendar and the transition plan for the next year.
-- A school year is named by the calendar year it starts in (2026 = 2026/27), not by a school_years
-- row: a calendar or a plan may be made before the year's row exists, and the rollover may create
-- and (on undo) remove that row without touching these.

-- Templates of the year's major tasks by month: the known Hong Kong cycle is shipped (default_key),
-- each school edits its own copy, adds its own and retires any (active = false).
CREATE TABLE planning_task_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  default_key text,
  title_zh text NOT NULL,
  title_en text NOT NULL,
  month smallint NOT NULL CHECK (month BETWEEN 1 AND 12),
  due_day smallint NOT NULL CHECK (due_day BETWEEN 1 AND 31),
  owner_id uuid,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1,
  UNIQUE (school_id, default_key)
);
SELECT sams_school_table('planning_task_templates');
SELECT sams_school_reference('planning_task_templates', 'owner_id', 'users', 'ON DELETE SET NULL (owner_id)');

-- The tasks of one school year, made from the templates (once per template and year: making the
-- year's tasks twice adds nothing), each with its owner, due date, status and an optional exchange task.
-- The exchange task is the exchange module's: kept as its id only, read through its service.
CREATE TABLE planning_tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  start_year smallint NOT NULL CHECK (start_year BETWEEN 2000 AND 2100),
  template_id uuid,
  title_zh text NOT NULL,
  title_en text NOT NULL,
  month smallint NOT NULL CHECK (month BETWEEN 1 AND 12),
  due_on date NOT NULL,
  owner_id uuid,
  exchange_task_id uuid,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  done_at timestamptz,
  done_by uuid,
  note text,
  created_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1,
  UNIQUE (school_id, start_year, template_id),
  CHECK ((status = 'done') = (done_at IS NOT NULL))
);
SELECT sams_school_table('planning_tasks');
SELECT sams_school_reference('planning_tasks', 'template_id', 'planning_task_templates', 'ON DELETE SET NULL (template_id)');
SELECT sams_school_reference('planning_tasks', 'owner_id', 'users', 'ON DELETE SET NULL (owner_id)');
SELECT sams_school_reference('planning_tasks', 'done_by', 'users', 'ON DELETE SET NULL (done_by)');
CREATE INDEX planning_tasks_year ON planning_tasks (school_id, start_year, due_on);

-- The transition plan into a school year: one per school and year, with its ordered steps.
CREATE TABLE planning_transition_plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  start_year smallint NOT NULL CHECK (start_year BETWEEN 2000 AND 2100),
  created_at timestamptz NOT NULL,
  created_by uuid,
  UNIQUE (school_id, start_year)
);
SELECT sams_school_table('planning_transition_plans');
SELECT sams_school_reference('planning_transition_plans', 'created_by', 'users', 'ON DELETE SET NULL (created_by)');

-- Which steps depend on which is a rule in code (plan/policy.ts); the "migrate" step is never marked by
-- hand: it is done when the year has become current.
CREATE TABLE planning_transition_steps (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  plan_id uuid NOT NULL,
  step text NOT NULL CHECK (step IN ('plan_classes', 'decide_promotion', 'admit_intake', 'assign_classes', 'check', 'migrate')),
  position smallint NOT NULL,
  owner_id uuid,
  due_on date NOT NULL,
  done_at timestamptz,
  done_by uuid,
  note text,
  version integer NOT NULL DEFAULT 1,
  UNIQUE (plan_id, step)
);
SELECT sams_school_table('planning_transition_steps');
SELECT sams_school_reference('planning_transition_steps', 'plan_id', 'planning_transition_plans', 'ON DELETE CASCADE');
SELECT sams_school_reference('planning_transition_steps', 'owner_id', 'users', 'ON DELETE SET NULL (owner_id)');
SELECT sams_school_reference('planning_transition_steps', 'done_by', 'users', 'ON DELETE SET NULL (done_by)');
