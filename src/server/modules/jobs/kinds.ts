import type { z } from 'zod';
import type { StaffExportJobBody, StudentsExportJobBody } from '../../../contracts/jobs.js';
import type { Actor } from '../../core/auth/actor.js';
import { type SchoolDeps, type SheetProgress, exportStaff, exportStudents } from '../school/service.js';
import type { JobKindName } from './policy.js';

/** What each kind of job was asked for. */
export interface JobParams {
  students_export: z.infer<typeof StudentsExportJobBody>;
  staff_export: z.infer<typeof StaffExportJobBody>;
}

export interface JobFile {
  body: Buffer;
  name: string;
  type: string;
}

const TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

/**
 * The work of each kind, as the person who asked (their data scope applies: a teacher limited to
 * their own classes exports those classes). The export audits itself (who exported what).
 */
export const JOB_WORK: { [K in JobKindName]: (d: SchoolDeps, a: Actor, p: JobParams[K], progress: SheetProgress) => Promise<JobFile> } = {
  students_export: async (d, a, p, progress) => ({
    body: await exportStudents(d, a, p.format, p.lang, p.classId, progress),
    name: `students.${p.format}`,
    type: TYPES[p.format],
  }),
  staff_export: async (d, a, p, progress) => ({
    body: await exportStaff(d, a, p.format, p.lang, progress),
    name: `staff.${p.format}`,
    type: TYPES[p.format],
  }),
};
