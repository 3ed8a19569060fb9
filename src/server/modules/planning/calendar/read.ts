import type { z } from 'zod';
import type { CalendarTaskView, CalendarView, ExchangeLinkList, PlanningPeople } from '../../../../contracts/planning-calendar.js';
import { type ExchangeTaskBrief, exchangeTaskBriefs } from '../../exchange/service.js';
import { type PlanningDeps, defaultStartYear, today } from './common.js';
import { MONTH_ORDER, dueState, progressOf, yearCode } from './policy.js';
import { listPlanningPeople } from './queries/people.js';
import { type TaskRow, listYearTasks } from './queries/tasks.js';
import { ensureTemplates } from './templates.js';

const linkView = (b: ExchangeTaskBrief) => ({
  id: b.id,
  titleZh: b.titleZh,
  titleEn: b.titleEn,
  deadline: b.deadline.toISOString(),
  status: b.status,
});

function toTaskView(t: TaskRow, day: string, links: Map<string, ExchangeTaskBrief>): z.infer<typeof CalendarTaskView> {
  const link = t.exchange_task_id ? links.get(t.exchange_task_id) : undefined;
  return {
    id: t.id,
    templateId: t.template_id,
    key: t.default_key,
    titleZh: t.title_zh,
    titleEn: t.title_en,
    month: t.month,
    dueOn: t.due_on,
    ownerId: t.owner_id,
    owner: t.owner,
    status: t.status,
    dueState: dueState(t.due_on, t.status === 'done', day),
    doneAt: t.done_at?.toISOString() ?? null,
    doneBy: t.done_by,
    note: t.note,
    exchangeTaskId: t.exchange_task_id,
    exchangeTask: link ? linkView(link) : null,
    version: t.version,
  };
}

/** One school year's calendar (the current year unless another is asked for), with progress overall and by month. */
export async function getCalendar(d: PlanningDeps, schoolId: string, year?: number): Promise<z.infer<typeof CalendarView>> {
  await ensureTemplates(d, schoolId);
  return d.db.school(schoolId, async (q) => {
    const now = d.clock.now();
    const startYear = year ?? (await defaultStartYear(q, now));
    const rows = await listYearTasks(q, startYear);
    const links = new Map<string, ExchangeTaskBrief>();
    if (rows.some((r) => r.exchange_task_id)) for (const b of await exchangeTaskBriefs(q, now)) links.set(b.id, b);
    const tasks = rows.map((r) => toTaskView(r, today(d.clock), links));
    return {
      startYear,
      code: yearCode(startYear),
      instantiated: rows.length > 0,
      tasks,
      progress: progressOf(tasks.map((t) => t.dueState)),
      months: MONTH_ORDER.map((month) => ({ month, ...progressOf(tasks.filter((t) => t.month === month).map((t) => t.dueState)) })),
    };
  });
}

/** Who may be named as an owner. */
export async function getPlanningPeople(d: PlanningDeps, schoolId: string): Promise<z.infer<typeof PlanningPeople>> {
  return { people: await d.db.school(schoolId, listPlanningPeople) };
}

/** The exchange tasks a calendar task may be linked to. */
export async function getExchangeLinks(d: PlanningDeps, schoolId: string): Promise<z.infer<typeof ExchangeLinkList>> {
  return { tasks: (await d.db.school(schoolId, (q) => exchangeTaskBriefs(q, d.clock.now()))).map(linkView) };
}
