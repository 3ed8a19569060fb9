/**
 * Who is on the school's roll on a date: the one rule every return (headcount, enrolment forms A–D,
 * Form E, class and subject data), the class lists and the counts use (docs/architecture.md "School
 * records"). Pure functions; `onRollSql` / `placedOnSql` in queries/sql.ts are the same rules in SQL.
 *
 * The entry date is the FIRST day on roll; the leave date is the LAST day on roll: a student whose
 * leave date is the reference date is counted that day and is off the roll the day after. A
 * student marked left or graduated without a leave date is off the roll; a leave date, when given,
 * wins over the status.
 */
export interface RollDates {
  entryDate: string;
  leaveDate: string | null;
  status: string;
}

export function onRollOn(s: RollDates, date: string): boolean {
  if (s.entryDate > date) return false;
  return s.leaveDate !== null ? s.leaveDate >= date : s.status === 'on_roll';
}

/**
 * A placement covers a date from its first day (`fromDate`) to its last (`toDate`, inclusive; open
 * when null). A student moved on day D has the old placement end on D − 1 and the new start on D.
 */
export function placedOn(p: { fromDate: string; toDate: string | null }, date: string): boolean {
  return p.fromDate <= date && (p.toDate === null || p.toDate >= date);
}

/** Why an on-roll student has no class on the reference date: never placed that year, or placed only after it. */
export type RollExceptionReason = 'never_placed' | 'placed_after';

export function rollExceptionReason(firstPlacedFrom: string | null, date: string): RollExceptionReason {
  return firstPlacedFrom !== null && firstPlacedFrom > date ? 'placed_after' : 'never_placed';
}

/** A repeater is placed at the same level as their last class of the school year before. */
export const isRepeater = (level: string, previousLevel: string | null): boolean => previousLevel !== null && previousLevel === level;
