import type { Clock } from '../../../core/clock.js';
import { hongKongDate } from '../../../core/clock.js';
import type { Database, Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { yearsOn } from '../../school/service.js';
import { schoolYearOf } from './policy.js';
import { listPlanningPeople } from './queries/people.js';

/** What the calendar and the transition plan are given. */
export interface PlanningDeps {
  db: Database;
  clock: Clock;
}

export const today = (clock: Clock): string => hongKongDate(clock.now());

/** The school's current year by its records (the school module's), or null when none is current. */
export async function currentStartYear(q: Queryable): Promise<number | null> {
  const current = (await yearsOn(q)).find((y) => y.status === 'current');
  return current ? Number(current.startsOn.slice(0, 4)) : null;
}

/** The year a screen shows when none is asked for: the current one, or the school year of today's date. */
export async function defaultStartYear(q: Queryable, now: Date): Promise<number> {
  return (await currentStartYear(q)) ?? schoolYearOf(hongKongDate(now));
}

/** Whether the year starting `startYear` has become current (or has since finished): the migration has happened. */
export async function yearMigrated(q: Queryable, startYear: number): Promise<boolean> {
  const y = (await yearsOn(q)).find((x) => Number(x.startsOn.slice(0, 4)) === startYear);
  return y?.status === 'current' || y?.status === 'finished';
}

/** An owner must be an active person who may see the plan. */
export async function assertOwner(q: Queryable, ownerId: string | null | undefined): Promise<void> {
  if (!ownerId) return;
  if (!(await listPlanningPeople(q)).some((p) => p.id === ownerId)) throw new AppError('person_lacks_right');
}
