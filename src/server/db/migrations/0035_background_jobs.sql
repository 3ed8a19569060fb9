-- Issue 14 item 11: long work (an export of every student) runs in the background with progress.
-- A job belongs to the person who asked: only they see it and download its file, with the same
-- right re-checked. The file is kept for a short time (expires_at), then dropped. A job that a
-- restart interrupted stops moving (heartbeat_at) and is marked failed; the person starts it again.
CREATE TABLE background_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  school_id uuid NOT NULL REFERENCES schools(id),
  requested_by uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('students_export', 'staff_export')),
  -- What was asked (format, language, class), and its canonical JSON's hash: the same request while
  -- the first is still queued or running gets the first job back.
  params jsonb NOT NULL DEFAULT '{}',
  params_hash text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  done integer NOT NULL DEFAULT 0 CHECK (done >= 0),
  total integer NOT NULL DEFAULT 0 CHECK (total >= 0),
  error_code text,
  result bytea,
  result_name text,
  result_type text,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  heartbeat_at timestamptz NOT NULL,
  finished_at timestamptz,
  expires_at timestamptz,
  CHECK (status <> 'failed' OR error_code IS NOT NULL)
);
SELECT sams_school_table('background_jobs');
SELECT sams_school_reference('background_jobs', 'requested_by', 'users', 'ON DELETE CASCADE');
CREATE UNIQUE INDEX background_jobs_one_at_a_time ON background_jobs (school_id, requested_by, kind, params_hash)
  WHERE status IN ('queued', 'running');
CREATE INDEX background_jobs_requester ON background_jobs (school_id, requested_by, created_at DESC);
CREATE INDEX background_jobs_moving ON background_jobs (heartbeat_at) WHERE status IN ('queued', 'running');
