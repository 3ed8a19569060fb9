import { MEMO_ITEMS } from '../../../../contracts/governance.js';
import type { CheckOutcome } from '../../../core/checks/registry.js';

/** Who is told what in the day's digest (pure: the job reads the facts, this decides). */

export interface DigestReader {
  id: string;
  permissions: readonly string[];
}

export interface Listed {
  /** People on the notification list for failing checks. */
  userIds: ReadonlySet<string>;
  /** Whether anyone (person or address) is on that list: if nobody is, the dashboard's readers are told instead. */
  anyone: boolean;
}

const order = (c: CheckOutcome): number => MEMO_ITEMS.indexOf(c.memo as (typeof MEMO_ITEMS)[number]);

/** The checks not in order, in the memo's order. */
export function needingAction(outcomes: readonly CheckOutcome[]): CheckOutcome[] {
  return outcomes.filter((c) => c.status !== 'ok').sort((a, b) => order(a) - order(b) || a.key.localeCompare(b.key));
}

/**
 * What needs each person: every failing check whose owner's right they hold (they are the ones to act), and all
 * failing checks for whoever asked to hear of them (the notification list's `check_failing`; while nobody is on it,
 * the dashboard's readers, so a failing check is never told to no one). People with nothing get nothing.
 */
export function whatNeedsThem(
  failing: readonly CheckOutcome[],
  people: readonly DigestReader[],
  listed: Listed,
): Map<string, CheckOutcome[]> {
  const out = new Map<string, CheckOutcome[]>();
  for (const p of people) {
    const held = new Set(p.permissions);
    const overview = listed.anyone ? listed.userIds.has(p.id) : held.has('governance.dashboard.read');
    const mine = failing.filter((c) => overview || held.has(c.owner.permission));
    if (mine.length) out.set(p.id, mine);
  }
  return out;
}
