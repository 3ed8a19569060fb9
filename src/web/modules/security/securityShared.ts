import type { z } from 'zod';
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
export function hongKongDay(plusDays: number): string {
  const date = new Date(Date.now() + plusDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Hong_Kong', year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** A calendar date (YYYY-MM-DD) in Hong Kong's way: 30/11/2026, or 2026年11月30日. */
export function formatDay(day: string | number | undefined, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(day ?? ''));
  if (!m) return String(day ?? '');
  const [, y, mo, d] = m;
  return locale === 'en' ? `${d}/${mo}/${y}` : `${y}年${Number(mo)}月${Number(d)}日`;
}
