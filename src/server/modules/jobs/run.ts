import type { Actor } from '../../core/auth/actor.js';
import { AppError } from '../../core/errors.js';
import type { JobDeps, JobRequest } from './common.js';
import { JOB_WORK, type JobFile } from './kinds.js';
import { expiresAt, failureCode } from './policy.js';
import { setJobDone, setJobFailed, setJobProgress, setJobRunning } from './queries.js';

/** Jobs this process is running (awaited by tests and by a graceful stop; the database row is the truth). */
const running = new Set<Promise<void>>();

/** Every job this process started, finished (for tests and shutdown). */
export async function settleJobs(): Promise<void> {
  while (running.size) await Promise.allSettled([...running]);
}

/** Run the job after the request that queued it has been answered. */
export function runInBackground(d: JobDeps, a: Actor, id: string, r: JobRequest): void {
  const p = run(d, a, id, r).catch((err: unknown) => d.log.error({ err, jobId: id }, 'background job could not record its end'));
  running.add(p);
  void p.finally(() => running.delete(p));
}

function work(d: JobDeps, a: Actor, r: JobRequest, progress: (done: number, total: number) => Promise<void>): Promise<JobFile> {
  switch (r.kind) {
    case 'students_export':
      return JOB_WORK.students_export(d, a, r.params, progress);
    case 'staff_export':
      return JOB_WORK.staff_export(d, a, r.params, progress);
  }
}

async function run(d: JobDeps, a: Actor, id: string, r: JobRequest): Promise<void> {
  // Let the request that queued the job be answered first.
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (!(await d.db.school(a.schoolId, (q) => setJobRunning(q, id, d.clock.now())))) return;
  const progress = (done: number, total: number) => d.db.school(a.schoolId, (q) => setJobProgress(q, id, done, total, d.clock.now()));
  let file: JobFile;
  try {
    file = await work(d, a, r, progress);
  } catch (err) {
    if (!(err instanceof AppError)) d.log.error({ err, jobId: id, kind: r.kind }, 'background job failed');
    const code = failureCode(err instanceof AppError ? err.code : undefined);
    await d.db.school(a.schoolId, (q) => setJobFailed(q, id, code, d.clock.now()));
    return;
  }
  const now = d.clock.now();
  await d.db.school(a.schoolId, (q) =>
    setJobDone(q, id, { result: file.body, name: file.name, type: file.type, at: now, expiresAt: expiresAt(now) }),
  );
}
