import { audit } from '../../../core/audit/audit.js';
import { systemActor, who } from '../../../core/auth/actor.js';
import type { SessionStore } from '../../../core/auth/sessions.js';
import type { Clock } from '../../../core/clock.js';
import type { HoldingRegistry } from '../../../core/handover/registry.js';
import type { Job } from '../../../core/scheduler/scheduler.js';
import { hkToday } from '../common.js';
import { listDuePlanIds, listTransfers, lockPlanToApply, markApplied } from '../queries/handover.js';
import { deleteSessionsOf, disableAccount } from '../queries/users.js';
import { assertAdminRemains } from '../rights.js';

/** On the effective date: transfer every holding, disable the account when leaving, end the sessions. Once. */
export function handoverJob(d: { clock: Clock; sessions: SessionStore; holdings: HoldingRegistry }): Job {
  return {
    name: 'handover',
    everyMs: 15 * 60_000,
    async run({ db, forEachSchool }) {
      const today = hkToday(d.clock);
      await forEachSchool('any', async (schoolId) => {
        const due = await db.school(schoolId, (q) => listDuePlanIds(q, today));
        for (const id of due) {
          const hashes = await db.schoolTx(schoolId, async (q) => {
            const p = await lockPlanToApply(q, id);
            if (!p || p.status !== 'approved') return [];
            const items = await listTransfers(q, id);
            const touched = new Set<string>([p.user_id]);
            for (const i of items) {
              await d.holdings.get(i.kind).transfer(q, schoolId, { key: i.holding_key }, p.user_id, i.successor_id);
              touched.add(i.successor_id);
            }
            if (p.disable_account) await disableAccount(q, p.user_id);
            await assertAdminRemains(q);
            await markApplied(q, id, d.clock.now());
            await audit(q, d.clock, {
              ...who(systemActor(schoolId, 'handover.apply')),
              action: 'handover.applied',
              target: `handover:${id}`,
              details: { user: p.user_id, items: items.length, disabled: p.disable_account },
            });
            const out: Buffer[] = [];
            for (const u of touched) out.push(...(await d.sessions.rightsChanged(q, u)));
            if (p.disable_account) out.push(...(await deleteSessionsOf(q, p.user_id)));
            return out;
          });
          await d.sessions.forget(hashes);
        }
      });
    },
  };
}
