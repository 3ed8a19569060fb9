import type { z } from 'zod';
import type { ImportReport } from '../../../../contracts/school.js';
import type { Actor } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import { type SchoolDeps, assertMayImport, importFile } from '../../school/service.js';
import { findLatestPlan } from './queries.js';

type Report = z.infer<typeof ImportReport>;

/**
 * The new intake from the allocation list: a students file read by the school records' importer (same
 * columns, checks, preview and commit). Its students are new (no row updates a stored student) and
 * placed by the plan, not by the file (no class columns); their entry date is the new year's first day
 * or later, so they are on roll from then, and the plan's preview lists them as intake.
 */
export async function importIntake(d: SchoolDeps, a: Actor, fileName: string, file: Buffer, commit: boolean): Promise<Report> {
  // Adding students needs students.manage for the whole school, not only the plan's planning.manage.
  assertMayImport(a, 'students');
  const plan = await d.db.school(a.schoolId, (q) => findLatestPlan(q));
  if (!plan) throw new AppError('not_found');
  if (plan.status !== 'draft') throw new AppError('rollover_migrated', { errors: [{ path: plan.to_code, code: 'already_migrated' }] });
  const within = { from: plan.to_starts_on, to: plan.to_ends_on };
  const preview = await importFile(d, a, 'students', fileName, file, false, undefined, within);
  const refusals = [
    ...(preview.update > 0 ? [{ row: 0, column: 'reg_no', value: String(preview.update), code: 'intake_updates_student' }] : []),
    ...(preview.placements > 0 ? [{ row: 0, column: 'class', value: String(preview.placements), code: 'intake_has_class' }] : []),
  ];
  if (!commit || preview.issues.length || refusals.length)
    return { ...preview, issues: [...refusals, ...preview.issues], committed: false };
  return importFile(d, a, 'students', fileName, file, true, undefined, within);
}
