import type { z } from 'zod';
import type {
  CalendarTaskView,
  CalendarView,
  ExchangeLinkList,
  PlanningPeople,
  PlanView,
  StepView,
  TemplateList,
  TemplateView,
  TransitionView,
} from '../../../contracts/planning-calendar.js';

export type Calendar = z.infer<typeof CalendarView>;
export type CalendarTask = z.infer<typeof CalendarTaskView>;
export type Templates = z.infer<typeof TemplateList>;
export type Template = z.infer<typeof TemplateView>;
export type People = z.infer<typeof PlanningPeople>;
export type ExchangeLinks = z.infer<typeof ExchangeLinkList>;
export type Transition = z.infer<typeof TransitionView>;
export type Plan = z.infer<typeof PlanView>;
export type PlanStep = z.infer<typeof StepView>;

/** Every query of the planning page starts with this key, so one invalidation refreshes the page. */
export const PLANNING_KEY = ['planning'] as const;

/** A due state as the shared status badge colours it. */
export const DUE_BADGE = { done: 'ok', on_track: 'planned', due_soon: 'attention', overdue: 'overdue' } as const;

/** Words in the reader's language from a pair. */
export const inLanguage = (language: string, zh: string, en: string): string => (language === 'en' ? en : zh);
