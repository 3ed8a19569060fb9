import type { NotificationTitleKey } from '../../../../contracts/notifications.js';
import type { Clock } from '../../../core/clock.js';
import type { Queryable } from '../../../core/db/types.js';
import { notifyUser } from '../../../core/notify/notify.js';
import type { Job } from '../../../core/scheduler/scheduler.js';
import { nextStartYear } from '../plan/read.js';
import { listOpenStepsDueBy } from '../plan/queries.js';
import { STEP_WORDS, dateWords } from '../plan/words.js';
import { today, yearMigrated } from './common.js';
import { DUE_SOON_DAYS, addDays } from './policy.js';
import { type RecipientRow, listActivePeople, listPlanningManagers } from './queries/people.js';
import { listOpenTasksDueBy } from './queries/tasks.js';

interface Due {
  /** Unique per task or step and due date: a moved due date is reminded again, an unchanged one never twice. */
  key: string;
  ownerId: string | null;
  dueOn: string;
  title: { en: string; zh: string };
  titleKey: NotificationTitleKey;
}

/** Who hears of an item: its owner, or while nobody is named (or the owner's account is off), whoever holds planning.manage. */
async function recipientsOf(q: Queryable, item: Due, managers: () => Promise<RecipientRow[]>): Promise<RecipientRow[]> {
  const owner = item.ownerId ? await listActivePeople(q, [item.ownerId]) : [];
  return owner.length ? owner : managers();
}

/**
 * Remind the owner of each open calendar task and transition step from a week before its due date:
 * once per item and due date (the notification's key), however often the job runs.
 */
export function planningRemindersJob(d: { clock: Clock }): Job {
  return {
    name: 'planning-reminders',
    everyMs: 60 * 60_000,
    async run({ db, forEachSchool }) {
      await forEachSchool('school', async (schoolId) => {
        await db.schoolTx(schoolId, async (q) => {
          const day = today(d.clock);
          const upTo = addDays(day, DUE_SOON_DAYS);
          const due: Due[] = (await listOpenTasksDueBy(q, upTo)).map((t) => ({
            key: `planning-task:${t.id}:${t.due_on}`,
            ownerId: t.owner_id,
            dueOn: t.due_on,
            title: { en: t.title_en, zh: t.title_zh },
            titleKey: 'notifications.planningTaskDue',
          }));
          const fromYear = await nextStartYear(q, d.clock.now());
          for (const s of await listOpenStepsDueBy(q, upTo, fromYear)) {
            if (s.step === 'migrate' && (await yearMigrated(q, s.start_year))) continue;
            due.push({
              key: `planning-step:${s.id}:${s.due_on}`,
              ownerId: s.owner_id,
              dueOn: s.due_on,
              title: STEP_WORDS[s.step],
              titleKey: 'notifications.planningStepDue',
            });
          }
          if (!due.length) return;
          let managers: RecipientRow[] | undefined;
          const loadManagers = async () => (managers ??= await listPlanningManagers(q));
          for (const item of due)
            for (const p of await recipientsOf(q, item, loadManagers)) {
              const lang = p.locale === 'en' ? 'en' : 'zh';
              await notifyUser(q, d.clock, {
                schoolId,
                userId: p.id,
                kind: 'planning.due',
                titleKey: item.titleKey,
                // Worded in each person's own language: a notification's parameters are shown as they are.
                params: { task: item.title[lang], due: dateWords(item.dueOn)[lang] },
                link: '/planning',
                idemKey: `${item.key}:${p.id}`,
              });
            }
        });
      });
    },
  };
}
