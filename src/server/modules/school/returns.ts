import { RETURN_FILES } from '../../../contracts/exchange.js';
import type { Queryable } from '../../core/db/types.js';
import {
  countRepeaters,
  findYearFor,
  listLevelsOfSchools,
  listPlacements,
  listReturnClasses,
  listReturnClassSubjects,
  listStudentsByRegNo,
  type PlacedRow,
} from './queries/returns.js';

/**
 * Survey returns generated from the school's records (memo O2). They read inside the caller's
 * school transaction (row-level security applies) and give files of text cells, ready for CSV/JSON.
 */
export interface GeneratedFile {
  name: string;
  columns: string[];
  rows: Record<string, string>[];
}
export interface Generated {
  files: GeneratedFile[];
  summary: Record<string, number>;
}

const file = (kind: keyof typeof RETURN_FILES, name: string, rows: Record<string, string>[]): GeneratedFile => {
  const columns = RETURN_FILES[kind][name];
  if (!columns) throw new Error(`no file ${name} in ${kind}`);
  return { name, columns, rows };
};

/** On roll on the day: entered by then and not yet left (a student marked left or graduated without a date counts as gone). */
const onRoll = (p: Pick<PlacedRow, 'entry_date' | 'leave_date' | 'status'>, refDate: string) =>
  p.entry_date <= refDate && (p.leave_date !== null ? p.leave_date >= refDate : p.status === 'on_roll');
const byPlace = (a: PlacedRow, b: PlacedRow) =>
  a.level.localeCompare(b.level) || a.class_code.localeCompare(b.class_code) || a.class_number - b.class_number;

/**
 * Student headcount as on the reference date: S1–S4 students with STRN and name, marked when they
 * left before the reference date; counts of S5 and S6 students on roll and of repeaters.
 */
export async function headcountReturn(q: Queryable, refDate: string): Promise<Generated> {
  const year = await findYearFor(q, refDate);
  if (!year) return { files: [file('headcount', 'students', [])], summary: { S1: 0, S2: 0, S3: 0, S4: 0, S5: 0, S6: 0, repeaters: 0 } };
  const all = (await listPlacements(q, year.id, refDate)).filter((p) => p.entry_date <= refDate && p.level.startsWith('S'));
  const junior = all.filter((p) => ['S1', 'S2', 'S3', 'S4'].includes(p.level)).sort(byPlace);
  const summary: Record<string, number> = { S1: 0, S2: 0, S3: 0, S4: 0, S5: 0, S6: 0, repeaters: 0 };
  for (const p of all) if (onRoll(p, refDate)) summary[p.level] = (summary[p.level] ?? 0) + 1;
  // A repeater is placed at the same level as in the year before.
  summary.repeaters = await countRepeaters(q, year.id, year.starts_on, refDate);
  const rows = junior.map((p) => ({
    strn: p.strn ?? '',
    regNo: p.reg_no,
    nameEn: p.name_en,
    nameZh: p.name_zh ?? '',
    level: p.level,
    classCode: p.class_code,
    classNumber: String(p.class_number),
    leftBeforeRef: onRoll(p, refDate) ? 'N' : 'Y',
  }));
  return { files: [file('headcount', 'students', rows)], summary };
}

/**
 * Enrolment survey: every student on roll by level, and the change forms since the last return:
 * A left, B new with an STRN, C new without, D amendments to particulars against the last roll sent.
 */
export async function enrolmentReturn(
  q: Queryable,
  refDate: string,
  since: string | null,
  previousRoll: Record<string, string>[] | null,
): Promise<Generated> {
  const year = await findYearFor(q, refDate);
  const from = since ?? year?.starts_on ?? refDate;
  const all = year ? await listPlacements(q, year.id, refDate) : [];
  const roll = all.filter((p) => onRoll(p, refDate)).sort(byPlace);
  const person = (p: PlacedRow) => ({
    strn: p.strn ?? '',
    regNo: p.reg_no,
    nameEn: p.name_en,
    nameZh: p.name_zh ?? '',
    sex: p.sex,
    dateOfBirth: p.date_of_birth,
  });
  const rollRows = roll.map((p) => ({
    ...person(p),
    level: p.level,
    classCode: p.class_code,
    classNumber: String(p.class_number),
    entryDate: p.entry_date,
  }));
  // With a previous roll, changes are against it (who was on it and left; who is new to it); without, by date since `from`.
  const before = previousRoll ? new Set(previousRoll.map((r) => r.regNo ?? '')) : null;
  const onRollNow = new Set(roll.map((p) => p.reg_no));
  const gone = before
    ? // Everyone on the last roll who is not on this one, whatever year they were last placed in.
      await listStudentsByRegNo(
        q,
        [...before].filter((r) => !onRollNow.has(r)),
      )
    : all.filter((p) => !onRoll(p, refDate) && p.entry_date <= refDate && (p.leave_date ?? refDate) >= from).sort(byPlace);
  const formA = gone.map((p) => ({
    strn: p.strn ?? '',
    regNo: p.reg_no,
    nameEn: p.name_en,
    leaveDate: p.leave_date ?? '',
    leaveReason: p.leave_reason ?? '',
  }));
  const newcomers = roll.filter((p) => (before ? !before.has(p.reg_no) : p.entry_date > from));
  const formB = newcomers.filter((p) => p.strn).map((p) => ({ ...person(p), level: p.level, entryDate: p.entry_date }));
  const formC = newcomers
    .filter((p) => !p.strn)
    .map((p) => {
      const { strn: _s, ...rest } = person(p);
      return { ...rest, level: p.level, entryDate: p.entry_date };
    });
  const formD: Record<string, string>[] = [];
  if (previousRoll) {
    const prev = new Map(previousRoll.map((r) => [r.regNo, r]));
    for (const r of rollRows) {
      const old = prev.get(r.regNo);
      if (!old) continue;
      for (const f of ['strn', 'nameEn', 'nameZh', 'sex', 'dateOfBirth'] as const) {
        if ((old[f] ?? '') !== r[f]) formD.push({ strn: r.strn, regNo: r.regNo, field: f, before: old[f] ?? '', after: r[f] });
      }
    }
  }
  const summary: Record<string, number> = {
    total: roll.length,
    formA: formA.length,
    formB: formB.length,
    formC: formC.length,
    formD: formD.length,
  };
  for (const p of roll) summary[p.level] = (summary[p.level] ?? 0) + 1;
  return {
    files: [
      file('enrolment', 'roll', rollRows),
      file('enrolment', 'formA', formA),
      file('enrolment', 'formB', formB),
      file('enrolment', 'formC', formC),
      file('enrolment', 'formD', formD),
    ],
    summary,
  };
}

/** Class and subject data: classes with their teachers, class subjects with medium and teachers. */
export async function classSubjectReturn(q: Queryable, refDate: string): Promise<Generated> {
  const year = await findYearFor(q, refDate);
  if (!year)
    return {
      files: [file('class_subject', 'classes', []), file('class_subject', 'classSubjects', [])],
      summary: { classes: 0, classSubjects: 0 },
    };
  const classes = await listReturnClasses(q, year.id, refDate);
  const subjects = await listReturnClassSubjects(q, year.id);
  return {
    files: [
      file(
        'class_subject',
        'classes',
        classes.map((c) => ({
          classCode: c.code,
          level: c.level,
          nameEn: c.name_en,
          nameZh: c.name_zh,
          classTeachers: c.teachers ?? '',
          students: String(c.students),
        })),
      ),
      file(
        'class_subject',
        'classSubjects',
        // Periods per week are not kept in the records yet: left blank for the school to fill in.
        subjects.map((s) => ({
          classCode: s.class_code,
          subjectCode: s.code,
          edbCode: s.edb_code ?? '',
          subjectNameEn: s.name_en,
          medium: s.medium,
          periods: '',
          teachers: s.teachers ?? '',
        })),
      ),
    ],
    summary: { classes: classes.length, classSubjects: subjects.length },
  };
}

/** Which levels each school teaches this year (for an authority choosing its audience); runs across schools. */
export async function levelsOfSchools(q: Queryable): Promise<Map<string, ('primary' | 'secondary')[]>> {
  const rows = await listLevelsOfSchools(q);
  return new Map(rows.map((r) => [r.school_id, r.levels]));
}
