import type { HoldingRegistry } from '../../core/handover/registry.js';
import { type Duty, type DutyHolder, successorFor } from './policy.js';
import {
  type DutyHolderRow,
  listProcedureDuties,
  listTaskDuties,
  lockProcedurePeople,
  lockTaskPeople,
  transferProcedureDuty,
  transferTaskDuty,
} from './queries/holdings.js';
import { CATEGORY_WORDS, DUTY_WORDS } from './words.js';

/** A procedure duty's holder as the O1 rule reads it. */
export const dutyHolderOf = (r: DutyHolderRow): DutyHolder => ({
  category: r.category,
  duty: r.duty,
  userId: r.user_id,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  active: r.active,
  holdsRight: r.holds_right,
});

const DUTY_OF: Record<string, Duty> = { owner: 'owner', backup: 'backup', checker: 'checker' };

/** `<what>:<duty>` (the category, or the delivery's id) → its parts; an unknown duty is a broken plan. */
function splitKey(key: string): { what: string; duty: Duty } {
  const at = key.lastIndexOf(':');
  const duty = DUTY_OF[key.slice(at + 1)];
  if (at < 1 || !duty) throw new Error(`exchange holding key ${key} is not <what>:<duty>`);
  return { what: key.slice(0, at), duty };
}

const people = (r: { owner_id: string | null; backup_id: string | null; checker_id: string | null }) => ({
  ownerId: r.owner_id,
  backupId: r.backup_id,
  checkerId: r.checker_id,
});

/**
 * What the exchange lets people hold (memo U3): their duties in the procedures (owner, backup or
 * checker of a category) and in open tasks. On the effective date each passes to the successor;
 * one who already has another duty in the same procedure or task would check their own work, so
 * that duty is left unfilled and the O1 check (or the task's page) says so.
 */
export function registerExchangeHoldings(registry: HoldingRegistry): void {
  registry.register({
    kind: 'exchange_procedure',
    list: async (q, userId) =>
      (await listProcedureDuties(q, userId)).map((r) => ({
        kind: 'exchange_procedure',
        key: `${r.category}:${r.duty}`,
        labelEn: `Exchange procedure: ${CATEGORY_WORDS[r.category].en}, ${DUTY_WORDS[r.duty].en}`,
        labelZh: `資料交換程序：${CATEGORY_WORDS[r.category].zh}（${DUTY_WORDS[r.duty].zh}）`,
      })),
    async transfer(q, _schoolId, h, from, to) {
      const { what, duty } = splitKey(h.key);
      const now = await lockProcedurePeople(q, what);
      if (!now) return;
      await transferProcedureDuty(q, what, duty, from, successorFor(people(now), duty, to));
    },
  });
  registry.register({
    kind: 'exchange_task',
    list: async (q, userId) =>
      (await listTaskDuties(q, userId)).map((r) => ({
        kind: 'exchange_task',
        key: `${r.delivery_id}:${r.duty}`,
        labelEn: `Exchange task ${r.ref_no} ${r.title_en}: ${DUTY_WORDS[r.duty].en}`,
        labelZh: `資料交換工作 ${r.ref_no} ${r.title_zh}（${DUTY_WORDS[r.duty].zh}）`,
      })),
    async transfer(q, _schoolId, h, from, to) {
      const { what, duty } = splitKey(h.key);
      const now = await lockTaskPeople(q, what);
      if (!now) return;
      await transferTaskDuty(q, what, duty, from, successorFor(people(now), duty, to));
    },
  });
}
