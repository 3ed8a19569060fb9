/** The background jobs module's service (issue 14 item 11): long work with progress, its file for the person who asked. */
export type { JobDeps, JobRequest } from './common.js';
export { jobFile, readJob, startJob } from './jobs.js';
export { settleJobs } from './run.js';
export { JOB_PERMISSION, JOB_RESULT_MS, JOB_STALE_MS } from './policy.js';
