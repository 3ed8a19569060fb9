import type { z } from 'zod';
import { CATEGORIES, type ProcedureBody, type ProcedureList } from '../../../../contracts/exchange.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { type ExchangeDeps, assertHolders, assertSchool, iso } from '../common.js';
import { DEFAULT_LEAD_DAYS, DUTY_PERMISSION, assertThreePeople, procedureGaps } from '../policy.js';
import { dutyHolderOf } from '../holdings.js';
import { listDutyHolders } from '../queries/holdings.js';
import { listExchangePeople } from '../queries/people.js';
import { findProcedure, findProceduresReview, listProcedureRows, setProceduresReviewed, upsertProcedure } from '../queries/procedures.js';
import type { CategoryKey } from '../types.js';
import { toExchangePersonView, toProcedureView } from '../views.js';

/** The school's procedure for every category (memo O1), when they were last reviewed, and who may be named. */
export async function listProcedures(d: ExchangeDeps, a: Actor): Promise<z.infer<typeof ProcedureList>> {
  return d.db.school(a.schoolId, async (q) => {
    const rows = await listProcedureRows(q);
    const by = new Map(rows.map((r) => [r.category, r]));
    const s = await findProceduresReview(q, a.schoolId);
    const people = await listExchangePeople(q);
    // Complete as the O1 check counts it: a person named who is disabled or lost the right leaves a gap.
    const holders = await listDutyHolders(q, DUTY_PERMISSION.owner, DUTY_PERMISSION.checker);
    const { gaps } = procedureGaps(CATEGORIES, holders.map(dutyHolderOf));
    return {
      procedures: CATEGORIES.map((category) =>
        toProcedureView(category, by.get(category), DEFAULT_LEAD_DAYS, !gaps.some((g) => g.category === category)),
      ),
      reviewedAt: iso(s?.at),
      reviewedBy: s?.by ?? null,
      people: people.map(toExchangePersonView),
    };
  });
}

export async function putProcedure(d: ExchangeDeps, a: Actor, category: CategoryKey, b: z.infer<typeof ProcedureBody>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await assertSchool(q, a);
    await assertHolders(q, [b.ownerId, b.backupId], DUTY_PERMISSION.owner);
    await assertHolders(q, [b.checkerId], DUTY_PERMISSION.checker);
    assertThreePeople(b);
    const before = await findProcedure(q, category);
    await upsertProcedure(q, a.schoolId, category, b, d.clock.now());
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.procedure_changed',
      target: `procedure:${category}`,
      details: { before: before ?? null, after: b },
    });
  });
}

/** The yearly review of the procedures (memo O1): recorded with who did it. */
export async function reviewProcedures(d: ExchangeDeps, a: Actor): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await assertSchool(q, a);
    await setProceduresReviewed(q, a.schoolId, d.clock.now(), a.userId);
    await audit(q, d.clock, { ...who(a), action: 'exchange.procedures_reviewed', target: `school:${a.schoolId}` });
  });
}
