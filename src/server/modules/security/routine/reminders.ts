import { type Clock, hongKongDate } from '../../../core/clock.js';
import { notifyUser } from '../../../core/notify/notify.js';
import type { Job } from '../../../core/scheduler/scheduler.js';
import { listHoldersWithLocale, listTasks } from './queries.js';
import { ensureDefaultTasks, taskTiming } from './read.js';

const zhDate = (at: Date) => {
  const [y, m, d] = hongKongDate(at).split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
};
const enDate = (at: Date) => hongKongDate(at).split('-').reverse().join('/');

/**
 * Remind the people who hold `security.manage` of each routine task that has fallen due: once per
 * task and due date (the notification's key), however often the job runs.
 */
export function routineRemindersJob(d: { clock: Clock }): Job {
  return {
    name: 'security-routine',
    everyMs: 60 * 60_000,
    async run({ db, now, forEachSchool }) {
      await forEachSchool('school', async (schoolId) => {
        await db.schoolTx(schoolId, async (q) => {
          await ensureDefaultTasks(q, schoolId, now);
          const due = (await listTasks(q)).filter((t) => t.active).map((t) => ({ t, timing: taskTiming(t, now) }));
          const pending = due.filter((x) => x.timing.state !== 'done');
          if (!pending.length) return;
          const people = await listHoldersWithLocale(q, 'security.manage');
          for (const { t, timing } of pending)
            for (const p of people)
              await notifyUser(q, d.clock, {
                schoolId,
                userId: p.id,
                kind: 'security.routine_due',
                titleKey: 'notifications.routineDue',
                // Worded in each person's own language: a notification's parameters are shown as they are.
                params: p.locale === 'en' ? { task: t.title_en, due: enDate(timing.due) } : { task: t.title_zh, due: zhDate(timing.due) },
                link: '/security',
                idemKey: `routine:${t.id}:${timing.due.toISOString()}:${p.id}`,
              });
        });
      });
    },
  };
}
