import { z } from 'zod';
import { Name } from './auth.js';

/** Memo O3: the annual work calendar (templates by month, tasks per school year) and the transition plan for the next year. */

const IsoDate = z.iso.date();
const Version = z.number().int().positive();
/** A school year by the calendar year it starts in (2026 for 2026/27). */
export const StartYear = z.number().int().min(2000).max(2100);
const Note = z.string().trim().max(500);

// ---- Templates ------------------------------------------------------------------------------
export const TemplateView = z.strictObject({
  id: z.uuid(),
  /** A shipped template's key; null for one the school wrote. */
  key: z.string().nullable(),
  titleZh: z.string(),
  titleEn: z.string(),
  /** The month the task falls in (9 = September … 8 = August of the school year). */
  month: z.number().int(),
  /** Day of that month it is due (past the month's end: its last day). */
  day: z.number().int(),
  ownerId: z.uuid().nullable(),
  owner: z.string().nullable(),
  active: z.boolean(),
  version: z.number().int(),
});
export const TemplateList = z.strictObject({ templates: z.array(TemplateView) });
export const TemplateBody = z.strictObject({
  titleZh: Name(200),
  titleEn: Name(200),
  month: z.number().int().min(1).max(12),
  day: z.number().int().min(1).max(31),
  ownerId: z.uuid().nullable().optional(),
});
/** `active: false` retires a template: later years do not get it; tasks already made stay. */
export const TemplateUpdateBody = TemplateBody.extend({ active: z.boolean(), version: Version });

// ---- Tasks of one year ------------------------------------------------------------------------
export const TaskStatus = z.enum(['open', 'done']);
export const TaskDueState = z.enum(['done', 'overdue', 'due_soon', 'on_track']);
export const ExchangeLink = z.strictObject({
  id: z.uuid(),
  titleZh: z.string(),
  titleEn: z.string(),
  deadline: z.string(),
  /** The exchange task's status words are the exchange's (`exchange.status.<status>`). */
  status: z.string(),
});
export const CalendarTaskView = z.strictObject({
  id: z.uuid(),
  templateId: z.uuid().nullable(),
  key: z.string().nullable(),
  titleZh: z.string(),
  titleEn: z.string(),
  month: z.number().int(),
  dueOn: z.string(),
  ownerId: z.uuid().nullable(),
  owner: z.string().nullable(),
  status: TaskStatus,
  dueState: TaskDueState,
  doneAt: z.string().nullable(),
  doneBy: z.string().nullable(),
  note: z.string().nullable(),
  /** The exchange task this calendar task is about; `null` inside when it is no longer there. */
  exchangeTaskId: z.uuid().nullable(),
  exchangeTask: ExchangeLink.nullable(),
  version: z.number().int(),
});
export const Progress = z.strictObject({
  total: z.number().int(),
  done: z.number().int(),
  overdue: z.number().int(),
  dueSoon: z.number().int(),
});
export const CalendarView = z.strictObject({
  startYear: z.number().int(),
  /** 2026/27 */
  code: z.string(),
  /** Whether the year's tasks have been made from the templates. */
  instantiated: z.boolean(),
  tasks: z.array(CalendarTaskView),
  progress: Progress,
  /** Progress per month, September first. */
  months: z.array(Progress.extend({ month: z.number().int() })),
});
export const CalendarQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).optional() });
export const InstantiateBody = z.strictObject({ startYear: StartYear });
export const InstantiateResult = z.strictObject({ added: z.number().int() });
export const TaskUpdateBody = z.strictObject({
  ownerId: z.uuid().nullable(),
  dueOn: IsoDate,
  exchangeTaskId: z.uuid().nullable(),
  version: Version,
});
export const DoneBody = z.strictObject({ note: Note.optional() });

/** People who can be named as an owner: those who may see the plan. */
export const PlanningPeople = z.strictObject({ people: z.array(z.strictObject({ id: z.uuid(), name: z.string() })) });
/** Exchange tasks a calendar task may link to. */
export const ExchangeLinkList = z.strictObject({ tasks: z.array(ExchangeLink) });

// ---- Transition plan ------------------------------------------------------------------------
export const STEPS = ['plan_classes', 'decide_promotion', 'admit_intake', 'assign_classes', 'check', 'migrate'] as const;
export const Step = z.enum(STEPS);
export const StepView = z.strictObject({
  id: z.uuid(),
  step: Step,
  /** Steps that must be done first. */
  dependsOn: z.array(Step),
  ownerId: z.uuid().nullable(),
  owner: z.string().nullable(),
  dueOn: z.string(),
  done: z.boolean(),
  dueState: TaskDueState,
  doneAt: z.string().nullable(),
  doneBy: z.string().nullable(),
  note: z.string().nullable(),
  /** Whether the step can be marked done now (its dependencies done, and not the migration, which the rollover does). */
  ready: z.boolean(),
  version: z.number().int(),
});
export const PlanView = z.strictObject({
  id: z.uuid(),
  startYear: z.number().int(),
  code: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  steps: z.array(StepView),
  progress: Progress,
});
/** The plan for the year after the current one (`plan` null until someone starts it). */
export const TransitionView = z.strictObject({ startYear: z.number().int(), code: z.string(), plan: PlanView.nullable() });
export const PlanQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).optional() });
export const PlanCreateBody = z.strictObject({ startYear: StartYear });
export const StepUpdateBody = z.strictObject({ ownerId: z.uuid().nullable(), dueOn: IsoDate, version: Version });
