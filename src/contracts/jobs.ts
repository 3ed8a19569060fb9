import { z } from 'zod';
import { ERROR_CODES } from './errors.js';

/** Work that runs in the background with progress (issue 14 item 11): today, the exports. */
export const JOB_KINDS = ['students_export', 'staff_export'] as const;
export const JobKind = z.enum(JOB_KINDS);
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

/** Export all students (or one class) as a file, in the background. */
export const StudentsExportJobBody = z.strictObject({
  format: z.enum(['csv', 'xlsx']).default('xlsx'),
  lang: z.enum(['en', 'zh']).default('en'),
  classId: z.uuid().optional(),
});
export const StaffExportJobBody = z.strictObject({
  format: z.enum(['csv', 'xlsx']).default('xlsx'),
  lang: z.enum(['en', 'zh']).default('en'),
});

export const JobView = z.strictObject({
  id: z.uuid(),
  kind: JobKind,
  status: z.enum(JOB_STATUSES),
  /** Rows done of the whole; `total` is 0 until the work knows how much there is. */
  done: z.number().int(),
  total: z.number().int(),
  /** Why it failed, as an error code the web translates. */
  errorCode: z.enum(ERROR_CODES).nullable(),
  /** The file's name once done, while it is kept. */
  fileName: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  /** Until when the file can be downloaded. */
  expiresAt: z.iso.datetime({ offset: true }).nullable(),
});
