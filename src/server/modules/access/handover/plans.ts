import type { z } from 'zod';
import type { HandoverCreateBody } from '../../../../contracts/admin.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { uniqueViolation } from '../../../core/db/unique.js';
import { AppError } from '../../../core/errors.js';
import type { HoldingRegistry } from '../../../core/handover/registry.js';
import { hkToday } from '../common.js';
import { assertNotOwnHandover, assertPlanEditable, assertSuccessorDiffers } from '../policy.js';
import { findPlan, insertPlan, insertPlanItem, listPlanItems, listPlans as listPlanRows, setItemSuccessor } from '../queries/handover.js';
import { findActiveUserId } from '../queries/users.js';
import { toPlanSummaryView, toPlanView } from '../views.js';

export type HandoverDeps = AuthDeps & { holdings: HoldingRegistry };

export async function listPlans(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  const rows = await d.db.school(schoolId, (q) => listPlanRows(q));
  return rows.map(toPlanSummaryView);
}

export async function getPlan(d: Pick<AuthDeps, 'db'>, schoolId: string, id: string) {
  return d.db.school(schoolId, async (q) => {
    const p = await findPlan(q, id);
    if (!p) throw new AppError('not_found');
    return toPlanView(p, await listPlanItems(q, id));
  });
}

/** List everything the person holds, from every module, as items waiting for successors. */
export async function createPlan(d: HandoverDeps, a: Actor, b: z.infer<typeof HandoverCreateBody>): Promise<string> {
  if (b.effectiveOn < hkToday(d.clock)) throw new AppError('dates_out_of_order');
  assertNotOwnHandover(b.userId, a.userId);
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      if (!(await findActiveUserId(q, b.userId))) throw new AppError('not_found');
      const p = await insertPlan(q, {
        schoolId: a.schoolId,
        userId: b.userId,
        reason: b.reason,
        effectiveOn: b.effectiveOn,
        disableAccount: b.disableAccount ?? b.reason === 'leaving',
        createdBy: a.userId,
        at: d.clock.now(),
      });
      if (!p) throw new Error('plan not created');
      const holdings = await d.holdings.holdingsOf(q, b.userId);
      for (const h of holdings) {
        await insertPlanItem(q, { schoolId: a.schoolId, planId: p.id, kind: h.kind, key: h.key, labelEn: h.labelEn, labelZh: h.labelZh });
      }
      await audit(q, d.clock, {
        ...who(a),
        action: 'handover.planned',
        target: `handover:${p.id}`,
        details: { user: b.userId, effectiveOn: b.effectiveOn, reason: b.reason, holdings: holdings.length },
      });
      return p.id;
    });
  } catch (err) {
    throw uniqueViolation(err, {});
  }
}

/** Name who takes over one holding. */
export async function setSuccessor(d: HandoverDeps, a: Actor, planId: string, itemId: string, successorId: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const p = await findPlan(q, planId, true);
    if (!p) throw new AppError('not_found');
    assertPlanEditable({ status: p.status, userId: p.user_id }, a.userId);
    assertSuccessorDiffers(successorId, p.user_id);
    if (!(await findActiveUserId(q, successorId))) throw new AppError('not_found');
    if (!(await setItemSuccessor(q, planId, itemId, successorId))) throw new AppError('not_found');
    await audit(q, d.clock, {
      ...who(a),
      action: 'handover.successor_set',
      target: `handover:${planId}`,
      details: { item: itemId, successor: successorId },
    });
  });
}
