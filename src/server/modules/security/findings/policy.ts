import { addMonths } from '../../../core/checks/evaluators.js';
import type { CheckStatus } from '../../../core/checks/registry.js';

/** Memo S2's rules as pure functions: the numbers every check, the routine and the review check share. */

const DAY = 86_400_000;
export const days = (n: number): number => n * DAY;

/** No sign-in for this long: a dormant account. */
export const DORMANT_DAYS = 90;
/** Failed sign-ins of one person within a day that make a burst (the lockout's own threshold). */
export const BURST_PER_PERSON = 10;
/** Failed sign-ins across the school within a day that make a burst aimed at the school. */
export const BURST_SCHOOL = 50;
/** A zone first seen for a person this recently is reported. */
export const NEW_ZONE_DAYS = 7;
/** The school key is rotated within this many months (memo S1's default period). */
export const KEY_ROTATION_MONTHS = 12;
/** More live sessions than this for one person is unusual. */
export const SESSIONS_PER_PERSON = 5;
/** A security release not applied this many days after it was published is a high finding. */
export const PATCH_DAYS = 14;
/** Forwarded headers seen this recently count. */
export const SIGHTING_DAYS = 7;
/** An acceptance lasts at most this long; then the finding is looked at again. */
export const ACCEPT_MAX_DAYS = 366;
/** Memo S2: every open finding is reviewed within this many days … */
export const REVIEW_DAYS = 30;
/** … and no high finding stays open longer than this. */
export const HIGH_OPEN_DAYS = 7;

export type Severity = 'high' | 'medium' | 'low';
export const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** Versions compared part by part as numbers (1.10.0 > 1.9.2); anything after `-` is a pre-release, lower than the release. */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [main = '', pre] = v.trim().replace(/^v/, '').split('-', 2);
    return { parts: main.split('.').map((p) => Number.parseInt(p, 10) || 0), pre: pre ?? null };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  return x.pre < y.pre ? -1 : 1;
}

export interface Release {
  version: string;
  /** Publication date, YYYY-MM-DD. */
  date: string;
  security: boolean;
}

/**
 * A security release newer than the running build: high once it has been out longer than the
 * patch window, medium while still within it. Null when the build is current.
 */
export function missedSecurityRelease(
  running: string,
  releases: readonly Release[],
  now: Date,
): { release: Release; severity: Severity } | null {
  const newer = releases.filter((r) => r.security && compareVersions(r.version, running) > 0);
  if (!newer.length) return null;
  const oldest = [...newer].sort((a, b) => a.date.localeCompare(b.date))[0] as Release;
  const published = Date.parse(`${oldest.date}T00:00:00+08:00`);
  return { release: oldest, severity: now.getTime() - published > days(PATCH_DAYS) ? 'high' : 'medium' };
}

/** An acceptance must end after today and within a year. */
export function acceptanceValid(untilEnd: Date, now: Date): boolean {
  return untilEnd.getTime() > now.getTime() && untilEnd.getTime() - now.getTime() <= days(ACCEPT_MAX_DAYS);
}

/** The end of a Hong Kong day (YYYY-MM-DD) as a moment: an acceptance "until 31/12" holds through that day. */
export const endOfHongKongDay = (day: string): Date => new Date(Date.parse(`${day}T00:00:00+08:00`) + DAY - 1);

// ---- The routine --------------------------------------------------------------------------------

export type Frequency = 'daily' | 'weekly' | 'monthly' | 'yearly';

/** How long after falling due a task counts as late for memo S2 (a day's grace for a daily one …). */
const GRACE_DAYS: Record<Frequency, number> = { daily: 1, weekly: 3, monthly: 7, yearly: 30 };

/** When a task next falls due: one period after it was last done, or from when it was created if never. */
export function routineDue(frequency: Frequency, lastDone: Date | null, created: Date): Date {
  if (!lastDone) return created;
  switch (frequency) {
    case 'daily':
      return new Date(lastDone.getTime() + days(1));
    case 'weekly':
      return new Date(lastDone.getTime() + days(7));
    case 'monthly':
      return addMonths(lastDone, 1);
    case 'yearly':
      return addMonths(lastDone, 12);
  }
}

export type RoutineState = 'done' | 'due' | 'late';
export function routineState(frequency: Frequency, due: Date, now: Date): RoutineState {
  if (now < due) return 'done';
  return now.getTime() - due.getTime() > days(GRACE_DAYS[frequency]) ? 'late' : 'due';
}

// ---- memo.S2.security-review ----------------------------------------------------------------------

export interface ReviewFacts {
  /** When the checks last ran (null: never). */
  lastRun: Date | null;
  /** Open findings nobody has reviewed within REVIEW_DAYS (of first being seen, or of the last review). */
  unreviewed: number;
  /** High findings open longer than HIGH_OPEN_DAYS. */
  highStale: number;
  /** Active routine tasks past their grace. */
  lateTasks: number;
}

/** Worst first: a high finding left open is overdue; unreviewed findings, a late routine or checks that never ran need attention. */
export function securityReviewState(f: ReviewFacts): { status: CheckStatus; summaryKey: string } {
  if (f.highStale > 0) return { status: 'overdue', summaryKey: 'checks.securityReview.highOpen' };
  if (!f.lastRun) return { status: 'attention', summaryKey: 'checks.securityReview.neverRun' };
  if (f.unreviewed > 0) return { status: 'attention', summaryKey: 'checks.securityReview.unreviewed' };
  if (f.lateTasks > 0) return { status: 'attention', summaryKey: 'checks.securityReview.routineLate' };
  return { status: 'ok', summaryKey: 'checks.securityReview.ok' };
}
