import type { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../../contracts/errors.js';
import type { JOB_KINDS, JOB_STATUSES, JobView } from '../../../contracts/jobs.js';
import type { PermissionKey } from '../../../contracts/permissions.js';

export type JobKindName = (typeof JOB_KINDS)[number];
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The right each kind of job needs: to start it, and again to download its file. */
export const JOB_PERMISSION: Record<JobKindName, PermissionKey> = {
  students_export: 'students.read',
  staff_export: 'staff.read',
};

/** A running job writes its progress at least this often; one silent for longer was interrupted (its process ended). */
export const JOB_STALE_MS = 2 * 60_000;
/** How long a finished file is kept for its requester to download. */
export const JOB_RESULT_MS = 10 * 60_000;

export const staleBefore = (now: Date): Date => new Date(now.getTime() - JOB_STALE_MS);
export const expiresAt = (now: Date): Date => new Date(now.getTime() + JOB_RESULT_MS);

/** Only the person who asked sees a job; to anyone else it does not exist. */
export const mayRead = (requestedBy: string, userId: string): boolean => requestedBy === userId;

/** The file can be downloaded while it is done and kept; otherwise the error that says why not. */
export function downloadRefusal(
  status: JobStatus,
  hasResult: boolean,
  expires: Date | null,
  now: Date,
): 'job_not_ready' | 'job_expired' | null {
  if (status !== 'done') return 'job_not_ready';
  if (!hasResult || !expires || expires.getTime() <= now.getTime()) return 'job_expired';
  return null;
}

/** What a failure is stored as: an error code the web translates, never a raw message. */
export function failureCode(code: string | undefined): ErrorCode {
  return code !== undefined && isErrorCode(code) ? code : 'internal';
}
const isErrorCode = (c: string): c is ErrorCode => (ERROR_CODES as readonly string[]).includes(c);

export type JobViewBody = z.infer<typeof JobView>;
