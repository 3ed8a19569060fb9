import type { z } from 'zod';
import type { RolloverPreview } from '../../../../contracts/rollover.js';
import type { Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { type RolloverSource, rolloverSource } from '../../school/service.js';
import type { PlanDeps } from './plan.js';
import type { Session } from '../../../core/auth/sessions.js';
import { buildPreview, type ManualDecision, previewFor, seesEveryStudent } from './policy.js';
import { findLatestPlan, listDecisions, listPlanClasses, type PlanClassRow, type PlanRow } from './queries.js';

type Preview = z.infer<typeof RolloverPreview>;

/** The plan worked out against the records as they are now: what a migration would do, and every exception. */
export async function computePreview(
  q: Queryable,
  p: PlanRow,
): Promise<{ preview: Preview; source: RolloverSource; classes: PlanClassRow[] }> {
  const source = await rolloverSource(q, p.from_year_id, p.to_ends_on);
  if (!source) throw new AppError('not_found');
  const classes = await listPlanClasses(q, p.id);
  const decisions = new Map<string, ManualDecision>(
    (await listDecisions(q, p.id)).map((r) => [r.student_id, { action: r.action, classCode: r.class_code, reason: r.reason }]),
  );
  const preview = buildPreview({
    students: source.students.map((s) => ({
      id: s.id,
      regNo: s.reg_no,
      nameEn: s.name_en,
      nameZh: s.name_zh,
      classCode: s.class_code,
      level: s.level,
      classNumber: s.class_number,
      // On roll on the last day with a leave date before the new year starts: the records say they leave.
      leavingByData: s.kind === 'roll' && s.leave_date !== null && s.leave_date < p.to_starts_on,
      kind: s.kind,
    })),
    classes: classes.map((c) => ({ code: c.code, level: c.level, capacity: c.capacity })),
    decisions,
    order: p.number_order,
    planVersion: p.version,
  });
  return { preview, source, classes };
}

/** The preview for one person: the student-level lists only for whoever reads every student's record. */
export async function getPreview(d: PlanDeps, viewer: Session): Promise<Preview> {
  return d.db.school(viewer.schoolId, async (q) => {
    const p = await findLatestPlan(q);
    if (!p) throw new AppError('not_found');
    return previewFor((await computePreview(q, p)).preview, seesEveryStudent(viewer));
  });
}
