-- Memo S2: security checks and their findings, the daily posture, and the system administrator's routine.

-- One row per thing a check found (a person, a release, or the school itself: subject ''), kept
-- across runs: first and last seen, and its state. A finding is fixed when its check stops tripping,
-- and opens again if it trips later; an accepted one opens again when the acceptance runs out.
CREATE TABLE security_findings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  check_key text NOT NULL,
  subject text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('high', 'medium', 'low')),
  owner text NOT NULL,
  params jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL CHECK (status IN ('open', 'accepted', 'fixed')),
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  fixed_at timestamptz,
  accepted_reason text,
  accepted_until timestamptz,
  accepted_by uuid,
  accepted_at timestamptz,
  reviewed_at timestamptz,
  reviewed_by uuid,
  UNIQUE (school_id, check_key, subject),
  CHECK (status <> 'accepted' OR (accepted_reason IS NOT NULL AND accepted_until IS NOT NULL))
);
SELECT sams_school_table('security_findings');
SELECT sams_school_reference('security_findings', 'accepted_by', 'users', 'ON DELETE SET NULL (accepted_by)');
SELECT sams_school_reference('security_findings', 'reviewed_by', 'users', 'ON DELETE SET NULL (reviewed_by)');
CREATE INDEX security_findings_status ON security_findings (school_id, status, severity);

-- Each run of the checks (daily job or on demand): what could not be checked, and the counts.
CREATE TABLE security_check_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  ran_at timestamptz NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('daily', 'manual')),
  took_ms integer NOT NULL,
  failed text[] NOT NULL DEFAULT '{}',
  unmonitored text[] NOT NULL DEFAULT '{}',
  open_high integer NOT NULL,
  open_medium integer NOT NULL,
  open_low integer NOT NULL,
  new_findings integer NOT NULL,
  fixed_findings integer NOT NULL
);
SELECT sams_school_table('security_check_runs');
CREATE INDEX security_check_runs_school ON security_check_runs (school_id, ran_at DESC);

-- Open findings by severity per Hong Kong day (the last run of the day wins): the posture chart.
CREATE TABLE security_posture (
  school_id uuid NOT NULL REFERENCES schools(id),
  day date NOT NULL,
  high integer NOT NULL,
  medium integer NOT NULL,
  low integer NOT NULL,
  PRIMARY KEY (school_id, day)
);
SELECT sams_school_table('security_posture');

-- The network zones each person has signed in from, with when each was first seen: a sign-in from
-- a zone new to that person is a finding (the first zone a person is seen in is not).
CREATE TABLE security_signin_zones (
  school_id uuid NOT NULL REFERENCES schools(id),
  user_id uuid NOT NULL,
  zone text NOT NULL,
  first_seen_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, zone)
);
SELECT sams_school_table('security_signin_zones');
SELECT sams_school_reference('security_signin_zones', 'user_id', 'users', 'ON DELETE CASCADE');

-- The routine: tasks (defaults seeded per school, editable) and who did each, when.
CREATE TABLE security_routine_tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  default_key text,
  title_zh text NOT NULL,
  title_en text NOT NULL,
  frequency text NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly', 'yearly')),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1,
  UNIQUE (school_id, default_key)
);
SELECT sams_school_table('security_routine_tasks');

CREATE TABLE security_routine_done (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  task_id uuid NOT NULL,
  done_at timestamptz NOT NULL,
  done_by uuid,
  note text
);
SELECT sams_school_table('security_routine_done');
SELECT sams_school_reference('security_routine_done', 'task_id', 'security_routine_tasks', 'ON DELETE CASCADE');
SELECT sams_school_reference('security_routine_done', 'done_by', 'users', 'ON DELETE SET NULL (done_by)');
CREATE INDEX security_routine_done_task ON security_routine_done (task_id, done_at DESC);
