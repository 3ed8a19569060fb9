import type { z } from 'zod';
import { formatDate, hongKongToday } from '../../components/format.js';
import type { CheckRunView, FindingList, FindingView, PostureView, RoutineView } from '../../../contracts/security-findings.js';

export type Finding = z.infer<typeof FindingView>;
export type FindingListView = z.infer<typeof FindingList>;
export type CheckRun = z.infer<typeof CheckRunView>;
export type Posture = z.infer<typeof PostureView>;
export type Routine = z.infer<typeof RoutineView>;
export type RoutineTask = Routine['tasks'][number];

export const FINDINGS_KEY = ['security-findings'] as const;
export const POSTURE_KEY = ['security-posture'] as const;
export const ROUTINE_KEY = ['security-routine'] as const;

export const SEVERITY_COLOURS: Record<Finding['severity'], string> = { high: 'red.9', medium: 'yellow.4', low: 'blue.8' };

/** Today in Hong Kong plus some days, as YYYY-MM-DD (what a date input holds). */
export const hongKongDay = (plusDays: number): string => hongKongToday(plusDays);

/** A calendar date (YYYY-MM-DD) in Hong Kong's way: 30/11/2026, or 2026年11月30日. */
export const formatDay = (day: string | number | undefined, locale: string): string =>
  formatDate(day === undefined ? '' : String(day), locale);
