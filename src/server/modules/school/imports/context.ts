import type { Queryable } from '../../../core/db/types.js';
import { findCurrentYear, listClassCodes, listStaffCodes, listSubjectCodes } from '../queries/imports.js';
import type { SchoolIds } from '../students/id-at-rest.js';
import type { Context, EntryWindow } from './spec.js';

/** The current year, the day placements start, and the codes of the year's classes, of staff and of subjects, as files name them. */
export async function loadContext(
  q: Queryable,
  today: string,
  ids: SchoolIds,
  effectiveDate: string | undefined,
  entryWithin: EntryWindow | null = null,
): Promise<Context> {
  const year = await findCurrentYear(q);
  const classes = year ? await listClassCodes(q, year.id) : [];
  const staff = await listStaffCodes(q);
  const subjects = await listSubjectCodes(q);
  return {
    q,
    today,
    ids,
    yearId: year?.id ?? null,
    yearStatus: year?.status ?? null,
    yearStart: year?.starts_on ?? null,
    yearEnd: year?.ends_on ?? null,
    // Placements start on the chosen day, or on the year's first day.
    placementsFrom: effectiveDate ?? year?.starts_on ?? null,
    entryWithin,
    classes: new Map(classes.map((c) => [c.code, c.id])),
    staff: new Map(staff.map((s) => [s.staff_code, s.id])),
    subjects: new Map(subjects.map((s) => [s.code, s.id])),
  };
}
