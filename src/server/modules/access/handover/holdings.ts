import type { HoldingRegistry } from '../../../core/handover/registry.js';
import {
  listListPlaces,
  listReviewTasks,
  listRolesHeld,
  transferListPlace,
  transferReviewTask,
  transferRole,
} from '../queries/handover.js';

/** What this module lets people hold: roles (now and planned), review tasks, places on the notification list. */
export function registerAccessHoldings(registry: HoldingRegistry): void {
  registry.register({
    kind: 'role',
    list: async (q, userId) =>
      (await listRolesHeld(q, userId)).map((r) => ({
        kind: 'role',
        key: r.id,
        labelEn: `Role: ${r.name_en}`,
        labelZh: `角色：${r.name_zh}`,
      })),
    async transfer(q, schoolId, h, from, to) {
      await transferRole(q, schoolId, h.key, from, to);
    },
  });
  registry.register({
    kind: 'review_task',
    list: async (q, userId) =>
      (await listReviewTasks(q, userId)).map((r) => ({
        kind: 'review_task',
        key: r.review_id,
        labelEn: `Access review: ${r.name} (${r.n} to decide)`,
        labelZh: `權限覆核：${r.name}（${r.n} 項待決定）`,
      })),
    async transfer(q, _schoolId, h, from, to) {
      // Items about the successor themselves stay with the campaign's starter: nobody reviews their own rights.
      await transferReviewTask(q, h.key, from, to);
    },
  });
  registry.register({
    kind: 'notification_list',
    list: async (q, userId) =>
      (await listListPlaces(q, userId)).map((r) => ({
        kind: 'notification_list',
        key: r.id,
        labelEn: `Security notification list: ${r.events.join(', ')}`,
        labelZh: `保安通知名單：${r.events.join('、')}`,
      })),
    async transfer(q, _schoolId, h, _from, to) {
      await transferListPlace(q, h.key, to);
    },
  });
}
