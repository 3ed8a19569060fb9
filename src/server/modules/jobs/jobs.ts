import type { Actor } from '../../core/auth/actor.js';
import { canonical, sha256Hex } from '../../core/crypto/envelope.js';
import { AppError } from '../../core/errors.js';
import type { JobDeps, JobRequest } from './common.js';
import type { JobFile } from './kinds.js';
import { JOB_PERMISSION, type JobViewBody, downloadRefusal, mayRead, staleBefore } from './policy.js';
import { dropExpiredResults, failStaleJobs, findJob, findJobResult, findMovingJob, insertJob } from './queries.js';
import { runInBackground } from './run.js';
import { toJobView } from './views.js';

/**
 * Queue a job for the person and start it in this process. Asking again for the same thing while
 * it is queued or running gives the same job (a double click starts one export). Before that, jobs
 * that stopped moving are marked failed and files past their time dropped.
 */
export async function startJob(d: JobDeps, a: Actor, r: JobRequest): Promise<JobViewBody> {
  if (!a.permissions.has(JOB_PERMISSION[r.kind])) throw new AppError('forbidden');
  const paramsHash = sha256Hex(canonical(r.params));
  const now = d.clock.now();
  const { id, fresh } = await d.db.schoolTx(a.schoolId, async (q) => {
    await failStaleJobs(q, staleBefore(now), now);
    await dropExpiredResults(q, now);
    const made = await insertJob(q, { schoolId: a.schoolId, requestedBy: a.userId, kind: r.kind, params: r.params, paramsHash, at: now });
    if (made) return { id: made, fresh: true };
    const moving = await findMovingJob(q, a.userId, r.kind, paramsHash);
    if (!moving) throw new AppError('conflict');
    return { id: moving.id, fresh: false };
  });
  if (fresh) runInBackground(d, a, id, r);
  return readJob(d, a, id);
}

/** The person's own job: its progress, or why it failed. Anyone else's is not found. */
export async function readJob(d: JobDeps, a: Actor, id: string): Promise<JobViewBody> {
  const now = d.clock.now();
  return d.db.schoolTx(a.schoolId, async (q) => {
    await failStaleJobs(q, staleBefore(now), now);
    const r = await findJob(q, id);
    if (!r || !mayRead(r.requested_by, a.userId)) throw new AppError('not_found');
    return toJobView(r, now);
  });
}

/** The finished file, for the person who asked and only while they still hold the right the job needed. */
export async function jobFile(d: JobDeps, a: Actor, id: string): Promise<JobFile> {
  const now = d.clock.now();
  return d.db.school(a.schoolId, async (q) => {
    const r = await findJob(q, id);
    if (!r || !mayRead(r.requested_by, a.userId)) throw new AppError('not_found');
    if (!a.permissions.has(JOB_PERMISSION[r.kind])) throw new AppError('forbidden');
    const refusal = downloadRefusal(r.status, r.has_result, r.expires_at, now);
    if (refusal) throw new AppError(refusal);
    const body = await findJobResult(q, id);
    if (!body) throw new AppError('job_expired');
    return { body, name: r.result_name ?? 'export', type: r.result_type ?? 'application/octet-stream' };
  });
}
