import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import {
  copyClassSubjects,
  deleteClassSubjects,
  deleteClasses,
  deletePlacements,
  deleteYear,
  findYearByCode,
  findCurrentYearRow,
  findYearById,
  insertRolloverClasses,
  insertRolloverPlacements,
  insertRolloverYear,
  type LeaverBefore,
  listLeaversBefore,
  listRollStudents,
  listSourceClasses,
  markLeavers,
  type RollStudentRow,
  type RolloverClassInput,
  type RolloverYearRow,
  restoreLeavers,
  setYearStatus,
  type SourceClassRow,
  tableChecksums,
  type YearStatus,
} from './queries/rollover.js';

/**
 * What the school records offer the year rollover (planning module). Every function runs on the
 * caller's transaction `q`, so a migration writes years, classes, placements and leavers all or nothing.
 */

export type { LeaverBefore, RollStudentRow, RolloverYearRow, SourceClassRow };

export interface RolloverSource {
  year: RolloverYearRow;
  classes: SourceClassRow[];
  /** On roll on the year's last day (with their place that day), and the intake for the next year. */
  students: RollStudentRow[];
}

export async function rolloverSource(q: Queryable, yearId: string, newLastDay: string): Promise<RolloverSource | undefined> {
  const year = await findYearById(q, yearId);
  if (!year) return undefined;
  const [classes, students] = [await listSourceClasses(q, yearId), await listRollStudents(q, yearId, year.ends_on, newLastDay)];
  return { year, classes, students };
}

/** One student of the rollover (on roll on the year's last day, or the intake), or undefined. */
export async function rolloverStudent(
  q: Queryable,
  yearId: string,
  newLastDay: string,
  studentId: string,
): Promise<RollStudentRow | undefined> {
  const year = await findYearById(q, yearId);
  if (!year) return undefined;
  const [s] = await listRollStudents(q, yearId, year.ends_on, newLastDay, studentId);
  return s;
}

export { listSourceClasses as rolloverSourceClasses, findYearById as rolloverYear, findCurrentYearRow as rolloverCurrentYear };

export interface RolloverWrite {
  schoolId: string;
  fromYearId: string;
  toYear: { code: string; startsOn: string; endsOn: string };
  classes: (RolloverClassInput & { subjectsFrom: string | null })[];
  placements: { studentId: string; classCode: string; classNumber: number }[];
  leavers: { id: string; status: 'left' | 'graduated'; reason: string | null }[];
}

/** Everything a migration wrote or changed, so an undo can take exactly that back. */
export interface RolloverUndo {
  fromYearId: string;
  toYearId: string;
  /** The new year was made by the migration (else it existed as planned, without classes). */
  yearCreated: boolean;
  classIds: string[];
  classSubjectIds: string[];
  placementIds: string[];
  leavers: LeaverBefore[];
}

export interface RolloverWritten {
  years: number;
  classes: number;
  classSubjects: number;
  placements: number;
  leavers: number;
}

/**
 * The migration's writes: the new year (or the planned one of that code, if it has no classes yet),
 * its classes and class subjects, every placement from its first day, the leavers; then the old year
 * is finished (read-only) and the new one current.
 */
export async function applyRollover(q: Queryable, w: RolloverWrite): Promise<{ undo: RolloverUndo; written: RolloverWritten }> {
  const from = await findYearById(q, w.fromYearId);
  if (!from || from.status !== 'current')
    throw new AppError('rollover_invalid', { errors: [{ path: from?.code ?? '', code: 'year_not_current' }] });
  const existing = await findYearByCode(q, w.toYear.code);
  if (existing && (existing.status !== 'planned' || existing.classes > 0))
    throw new AppError('rollover_invalid', { errors: [{ path: w.toYear.code, code: 'year_exists' }] });
  const toYearId = existing?.id ?? (await insertRolloverYear(q, w.schoolId, w.toYear));
  const created = await insertRolloverClasses(q, w.schoolId, toYearId, w.classes);
  const classIds = new Map(created.map((c) => [c.code, c.id]));
  const idOf = (code: string): string => {
    const id = classIds.get(code);
    if (!id) throw new Error(`class ${code} not created`);
    return id;
  };
  const classSubjectIds = await copyClassSubjects(
    q,
    w.schoolId,
    w.classes.flatMap((c) => (c.subjectsFrom ? [{ classId: idOf(c.code), fromClassId: c.subjectsFrom }] : [])),
  );
  const placementIds = await insertRolloverPlacements(
    q,
    w.schoolId,
    toYearId,
    w.toYear.startsOn,
    w.placements.map((p) => ({ studentId: p.studentId, classId: idOf(p.classCode), classNumber: p.classNumber })),
  );
  const leavers = await listLeaversBefore(
    q,
    w.leavers.map((l) => l.id),
  );
  const left = await markLeavers(q, from.ends_on, w.leavers);
  // One current year at a time (a partial unique index): finish the old one first.
  await setYearStatus(q, from.id, 'finished');
  await setYearStatus(q, toYearId, 'current');
  return {
    undo: {
      fromYearId: from.id,
      toYearId,
      yearCreated: !existing,
      classIds: created.map((c) => c.id),
      classSubjectIds,
      placementIds,
      leavers,
    },
    written: { years: 1, classes: created.length, classSubjects: classSubjectIds.length, placements: placementIds.length, leavers: left },
  };
}

/** Takes a migration back: its rows removed, the leavers as they were, the old year current again. */
export async function undoRollover(q: Queryable, u: RolloverUndo): Promise<void> {
  await deletePlacements(q, u.placementIds);
  await deleteClassSubjects(q, u.classSubjectIds);
  await deleteClasses(q, u.classIds);
  await restoreLeavers(q, u.leavers);
  const before: YearStatus = 'planned';
  if (u.yearCreated) await deleteYear(q, u.toYearId);
  else await setYearStatus(q, u.toYearId, before);
  await setYearStatus(q, u.fromYearId, 'current');
}

/** Rows and md5 of each table a migration touches (this school's rows), by table name. */
export async function rolloverChecksums(q: Queryable): Promise<Record<string, { rows: number; md5: string }>> {
  const out: Record<string, { rows: number; md5: string }> = {};
  for (const r of await tableChecksums(q)) out[r.name] = { rows: r.rows, md5: r.md5 };
  return out;
}
