import type { z } from 'zod';
import type { PermissionKey } from '../../../contracts/permissions.js';
import type { ImportKind } from '../../../contracts/school.js';
import { AppError } from '../../core/errors.js';
import type { YearStatus } from './queries/years-classes-subjects.js';

/**
 * The school records' record-level rules, as pure functions: no database, no I/O. Routes declare
 * which permission an action needs; these decide what a held permission reaches.
 */

// ---- Data scope -----------------------------------------------------------------------------

/** A permission reaches the whole school, or only the classes the person teaches or is class teacher of. */
export type DataScope = 'school' | 'own_classes';

/** The scope of a held permission: limited when it was granted for the person's own classes only. */
export function scopeOf(ownClassesOnly: ReadonlySet<string>, permission: PermissionKey): DataScope {
  return ownClassesOnly.has(permission) ? 'own_classes' : 'school';
}

/** The rights a person holds: every permission, and those held for their own classes only. */
export interface HeldRights {
  permissions: ReadonlySet<string>;
  ownClassesOnly: ReadonlySet<string>;
}

/**
 * Whole-school actions (adding a student, importing a file) need the permission, held for the whole
 * school: a right limited to one's own classes cannot add people or rewrite every record, and a caller
 * reached through another route's permission (the new year's intake under planning.manage) must still hold it.
 */
export function assertWholeSchool(held: HeldRights, permission: PermissionKey): void {
  if (!held.permissions.has(permission) || scopeOf(held.ownClassesOnly, permission) !== 'school') throw new AppError('forbidden');
}

/** The permission each kind of import needs (its route declares it; the scope rule below checks its reach). */
export const IMPORT_PERMISSION = {
  students: 'students.manage',
  staff: 'staff.manage',
  classes: 'school.setup.manage',
  class_subjects: 'school.setup.manage',
} as const satisfies Record<z.infer<typeof ImportKind>, PermissionKey>;

/** An import is a whole-school action: its permission must be held for the whole school. */
export function assertMayImport(held: HeldRights, kind: z.infer<typeof ImportKind>): void {
  assertWholeSchool(held, IMPORT_PERMISSION[kind]);
}

// ---- School years ---------------------------------------------------------------------------

/** A school year runs 1 September – 31 August and is written `2026/27`. */
export function schoolYear(startYear: number): { code: string; startsOn: string; endsOn: string } {
  return {
    code: `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`,
    startsOn: `${startYear}-09-01`,
    endsOn: `${startYear + 1}-08-31`,
  };
}

/** The first year a school creates becomes current; later ones are planned until made current. */
export function newYearStatus(currentYears: number): YearStatus {
  return currentYears === 0 ? 'current' : 'planned';
}

/** A finished year is read-only: nothing is written into it (an unknown year is not found). */
export function assertYearOpen(status: YearStatus | undefined): void {
  if (!status) throw new AppError('not_found');
  if (status === 'finished') throw new AppError('year_finished');
}

// ---- Editing records ------------------------------------------------------------------------

/** Saved only if nobody saved since the editor loaded the record: no silent overwrite. */
export function assertVersion(stored: number, sent: number): void {
  if (stored !== sent) throw new AppError('version_conflict');
}

/** A member of staff cannot leave before joining (either date may be unknown). */
export function staffDatesInOrder(joinDate: string | undefined, leaveDate: string | undefined): boolean {
  return !(joinDate && leaveDate && leaveDate < joinDate);
}

/** A student is born before entering the school and does not leave before entering. */
export function studentDatesInOrder(dateOfBirth: string, entryDate: string, leaveDate: string | undefined): boolean {
  return dateOfBirth < entryDate && !(leaveDate && leaveDate < entryDate);
}

/**
 * The day an imported placement starts: the day chosen for the file (by default the current year's
 * first day), or the student's entry date when they join the school later than that.
 */
export function importedPlacementFrom(effectiveDate: string, entryDate: string): string {
  return entryDate > effectiveDate ? entryDate : effectiveDate;
}

/** The day a file's placements start must fall within the current year (whose dates are unknown when there is none). */
export function placementDateInYear(date: string, yearStart: string | null, yearEnd: string | null): boolean {
  return !(yearStart && date < yearStart) && !(yearEnd && date > yearEnd);
}
