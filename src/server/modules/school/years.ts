import type { z } from 'zod';
import type { YearView } from '../../../contracts/school.js';
import { type Actor, who } from '../../core/auth/actor.js';
import { audit } from '../../core/audit/audit.js';
import { uniqueViolation } from '../../core/db/unique.js';
import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import type { SchoolDeps } from './common.js';
import { assertYearOpen, newYearStatus, schoolYear } from './policy.js';
import {
  countCurrentYears,
  finishCurrentYear,
  findYearForUpdate,
  findYearStatus,
  insertYear,
  listYearRows,
  setYearCurrent,
} from './queries/years-classes-subjects.js';
import { toYearView } from './views.js';

export async function listYears(d: SchoolDeps, schoolId: string): Promise<z.infer<typeof YearView>[]> {
  const rows = await d.db.school(schoolId, listYearRows);
  return rows.map(toYearView);
}

/** The school's years on the caller's connection: for other modules' reads and checks (the planning calendar, memo O3). */
export async function yearsOn(q: Queryable): Promise<z.infer<typeof YearView>[]> {
  return (await listYearRows(q)).map(toYearView);
}

/** A school year runs 1 September – 31 August. The first year a school creates becomes current. */
export async function createYear(d: SchoolDeps, a: Actor, startYear: number): Promise<string> {
  const { code, startsOn, endsOn } = schoolYear(startYear);
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const status = newYearStatus(await countCurrentYears(q));
      const id = await insertYear(q, a.schoolId, { code, startsOn, endsOn, status });
      await audit(q, d.clock, { ...who(a), action: 'school.year_created', target: `year:${id}`, details: { code, status } });
      return id;
    });
  } catch (err) {
    throw uniqueViolation(err, { school_years_school_id_code_key: 'conflict' });
  }
}

/** The current year becomes finished (read-only from then on); the chosen one becomes current. */
export async function makeCurrent(d: SchoolDeps, a: Actor, yearId: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const y = await findYearForUpdate(q, yearId);
    if (!y) throw new AppError('not_found');
    if (y.status === 'current') return;
    assertYearOpen(y.status);
    const finished = await finishCurrentYear(q);
    await setYearCurrent(q, yearId);
    await audit(q, d.clock, {
      ...who(a),
      action: 'school.year_made_current',
      target: `year:${yearId}`,
      details: { code: y.code, finished },
    });
  });
}

/** Writes into a year are refused once it is finished. */
export async function assertYearWritable(q: Queryable, yearId: string): Promise<void> {
  assertYearOpen(await findYearStatus(q, yearId));
}
