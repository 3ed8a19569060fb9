import type { Queryable } from '../../core/db/types.js';
import type { JobKindName, JobStatus } from './policy.js';

/** Background jobs (migration 0035), on the school's connection. */

export interface JobRow {
  id: string;
  requested_by: string;
  kind: JobKindName;
  params: Record<string, unknown>;
  status: JobStatus;
  done: number;
  total: number;
  error_code: string | null;
  result_name: string | null;
  result_type: string | null;
  has_result: boolean;
  created_at: Date;
  heartbeat_at: Date;
  expires_at: Date | null;
}
const COLS = `id, requested_by, kind, params, status, done, total, error_code, result_name, result_type, result IS NOT NULL AS has_result,
  created_at, heartbeat_at, expires_at`;

/**
 * A new queued job, or nothing when the same person already has the same request queued or running
 * (the partial unique index decides, so two requests at once make one job).
 */
export async function insertJob(
  q: Queryable,
  j: { schoolId: string; requestedBy: string; kind: JobKindName; params: Record<string, unknown>; paramsHash: string; at: Date },
): Promise<string | undefined> {
  const [r] = await q.query<{ id: string }>(
    `INSERT INTO background_jobs (school_id, requested_by, kind, params, params_hash, status, created_at, heartbeat_at)
     VALUES ($1, $2, $3, $4, $5, 'queued', $6, $6)
     ON CONFLICT (school_id, requested_by, kind, params_hash) WHERE status IN ('queued', 'running') DO NOTHING
     RETURNING id`,
    [j.schoolId, j.requestedBy, j.kind, j.params, j.paramsHash, j.at],
  );
  return r?.id;
}

/** The same person's same request, still queued or running. */
export async function findMovingJob(q: Queryable, requestedBy: string, kind: JobKindName, paramsHash: string): Promise<JobRow | undefined> {
  const [r] = await q.query<JobRow>(
    `SELECT ${COLS} FROM background_jobs
      WHERE requested_by = $1 AND kind = $2 AND params_hash = $3 AND status IN ('queued', 'running')`,
    [requestedBy, kind, paramsHash],
  );
  return r;
}

export async function findJob(q: Queryable, id: string): Promise<JobRow | undefined> {
  const [r] = await q.query<JobRow>(`SELECT ${COLS} FROM background_jobs WHERE id = $1`, [id]);
  return r;
}

export async function findJobResult(q: Queryable, id: string): Promise<Buffer | undefined> {
  const [r] = await q.query<{ result: Buffer | null }>('SELECT result FROM background_jobs WHERE id = $1', [id]);
  return r?.result ?? undefined;
}

/** Queued → running. False when it was no longer queued (marked failed meanwhile). */
export async function setJobRunning(q: Queryable, id: string, at: Date): Promise<boolean> {
  const r = await q.query<{ id: string }>(
    `UPDATE background_jobs SET status = 'running', started_at = $2, heartbeat_at = $2 WHERE id = $1 AND status = 'queued' RETURNING id`,
    [id, at],
  );
  return r.length > 0;
}

/** Progress, which is also the job's heartbeat. */
export async function setJobProgress(q: Queryable, id: string, done: number, total: number, at: Date): Promise<void> {
  await q.query(`UPDATE background_jobs SET done = $2, total = $3, heartbeat_at = $4 WHERE id = $1 AND status = 'running'`, [
    id,
    done,
    total,
    at,
  ]);
}

export async function setJobDone(
  q: Queryable,
  id: string,
  r: { result: Buffer; name: string; type: string; at: Date; expiresAt: Date },
): Promise<void> {
  await q.query(
    `UPDATE background_jobs SET status = 'done', done = total, result = $2, result_name = $3, result_type = $4,
            heartbeat_at = $5, finished_at = $5, expires_at = $6
      WHERE id = $1 AND status = 'running'`,
    [id, r.result, r.name, r.type, r.at, r.expiresAt],
  );
}

export async function setJobFailed(q: Queryable, id: string, errorCode: string, at: Date): Promise<void> {
  await q.query(
    `UPDATE background_jobs SET status = 'failed', error_code = $2, heartbeat_at = $3, finished_at = $3
      WHERE id = $1 AND status IN ('queued', 'running')`,
    [id, errorCode, at],
  );
}

/** Jobs that stopped moving before `before` (their process ended) are failed, to be started again. */
export async function failStaleJobs(q: Queryable, before: Date, at: Date): Promise<number> {
  const r = await q.query<{ id: string }>(
    `UPDATE background_jobs SET status = 'failed', error_code = 'job_interrupted', finished_at = $2
      WHERE status IN ('queued', 'running') AND heartbeat_at < $1 RETURNING id`,
    [before, at],
  );
  return r.length;
}

/** Files past their time are dropped (the job's row stays, to say it was done). */
export async function dropExpiredResults(q: Queryable, at: Date): Promise<void> {
  await q.query('UPDATE background_jobs SET result = NULL WHERE result IS NOT NULL AND expires_at < $1', [at]);
}
