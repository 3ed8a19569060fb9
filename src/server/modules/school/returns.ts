import type { z } from 'zod';
import { RETURN_FILES, type RollException, type TemplateKind } from '../../../contracts/exchange.js';
import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { isRepeater as sameLevelAgain, rollExceptionReason } from './roll-policy.js';
import {
  findYearFor,
  listLevelsOfSchools,
  listReturnClasses,
  listReturnClassSubjects,
  listRoll,
  listStudentsByRegNo,
  listYearLeavers,
  type ReturnYearRow,
  type RollRow,
} from './queries/returns.js';

/**
 * Survey returns generated from the school's records (memo O2). They read inside the caller's
 * school transaction (row-level security applies) and give files of text cells, ready for CSV/JSON.
 * Every return counts the same people: those on roll on the reference date (roll-policy.ts `onRollOn`),
 * each in the class that covers that day; anyone on roll with no class that day is an exception.
 */
export interface GeneratedFile {
  name: string;
  columns: string[];
  rows: Record<string, string>[];
}
export type RollExceptionView = z.infer<typeof RollException>;
export interface Generated {
  files: GeneratedFile[];
  summary: Record<string, number>;
  /** The day the return counts on (absent in returns generated before it was recorded). */
  referenceDate?: string;
  /** On-roll students with no class on the reference date; an unexplained one blocks sending. */
  exceptions?: RollExceptionView[];
}
type Kind = z.infer<typeof TemplateKind>;

const file = (kind: keyof typeof RETURN_FILES, name: string, rows: Record<string, string>[]): GeneratedFile => {
  const columns = RETURN_FILES[kind][name];
  if (!columns) throw new Error(`no file ${name} in ${kind}`);
  return { name, columns, rows };
};

/** The school year containing the reference date; a date outside every year is refused, never read against another year. */
async function yearOf(q: Queryable, refDate: string): Promise<ReturnYearRow> {
  const year = await findYearFor(q, refDate);
  if (!year) throw new AppError('reference_date_outside_year');
  return year;
}

/** A student placed on the day, with the level and class that cover it. */
type Placed = RollRow & { level: string; class_code: string; class_number: number };
const isPlaced = (p: RollRow): p is Placed => p.level !== null && p.class_code !== null && p.class_number !== null;
const byPlace = (a: Placed, b: Placed) =>
  a.level.localeCompare(b.level) ||
  a.class_code.localeCompare(b.class_code) ||
  a.class_number - b.class_number ||
  a.reg_no.localeCompare(b.reg_no);
/** A repeater is placed at the same level as their last class of the year before. */
const isRepeater = (p: Placed) => sameLevelAgain(p.level, p.previous_level);
const yn = (b: boolean) => (b ? 'Y' : 'N');

/** Everyone on roll on the day: those with a class (sorted by place) and the exceptions without one. */
async function rollOn(q: Queryable, refDate: string): Promise<{ placed: Placed[]; exceptions: RollExceptionView[] }> {
  const year = await yearOf(q, refDate);
  const roll = await listRoll(q, year.id, year.previous_id, refDate);
  const placed = roll.filter(isPlaced).sort(byPlace);
  const exceptions = roll
    .filter((p) => !isPlaced(p))
    .sort((a, b) => a.reg_no.localeCompare(b.reg_no))
    .map((p) => {
      const reason = rollExceptionReason(p.next_from, refDate);
      return {
        studentId: p.id,
        regNo: p.reg_no,
        strn: p.strn ?? '',
        nameEn: p.name_en,
        nameZh: p.name_zh ?? '',
        reason,
        placedFrom: reason === 'placed_after' ? p.next_from : null,
        classCode: reason === 'placed_after' ? p.next_class_code : null,
        explanation: null,
      };
    });
  return { placed, exceptions };
}

const SECONDARY = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'] as const;
const JUNIOR = new Set(['S1', 'S2', 'S3', 'S4']);
const bump = (m: Record<string, number>, key: string) => (m[key] = (m[key] ?? 0) + 1);

/**
 * A return's totals from its rows, the one computation used when generating and after every edit.
 * Totals not derived from rows (headcount S5, S6 and their repeaters; `unplaced`) are kept from
 * `previous`. `unplaced` is the number of on-roll students with no class on the reference date.
 */
export function returnTotals(kind: Kind, files: GeneratedFile[], previous: Record<string, number>): Record<string, number> {
  const rows = (name: string) => files.find((f) => f.name === name)?.rows ?? [];
  const kept = (keys: string[]) => Object.fromEntries(keys.filter((k) => k in previous).map((k) => [k, previous[k] ?? 0]));
  switch (kind) {
    case 'headcount': {
      const out: Record<string, number> = {};
      for (const l of ['S1', 'S2', 'S3', 'S4']) out[l] = out[`repeaters${l}`] = 0;
      for (const r of rows('students')) {
        const level = r.level ?? '';
        if (!JUNIOR.has(level)) continue;
        bump(out, level);
        if (r.repeater === 'Y') bump(out, `repeaters${level}`);
      }
      const senior: Record<string, number> = {
        S5: 0,
        S6: 0,
        repeatersS5: 0,
        repeatersS6: 0,
        ...kept(['S5', 'S6', 'repeatersS5', 'repeatersS6']),
      };
      const all = { ...out, ...senior };
      const repeaters = SECONDARY.reduce((n, l) => n + (all[`repeaters${l}`] ?? 0), 0);
      return { ...all, repeaters, ...kept(['unplaced']) };
    }
    case 'enrolment_start': {
      const out: Record<string, number> = { total: 0, repeaters: 0 };
      for (const r of rows('formE')) {
        const level = r.level ?? '';
        bump(out, 'total');
        bump(out, level);
        bump(out, `${r.sex === 'F' ? 'girls' : 'boys'}${level}`);
        if (r.repeater === 'Y') {
          bump(out, 'repeaters');
          bump(out, `repeaters${level}`);
        }
      }
      const classes = new Map<string, Set<string>>();
      for (const r of rows('formE')) classes.set(r.level ?? '', (classes.get(r.level ?? '') ?? new Set()).add(r.classCode ?? ''));
      for (const [level, codes] of classes) out[`classes${level}`] = codes.size;
      return { ...out, ...kept(['unplaced']) };
    }
    case 'enrolment': {
      const out: Record<string, number> = {
        total: rows('roll').length,
        formA: rows('formA').length,
        formB: rows('formB').length,
        formC: rows('formC').length,
        formD: rows('formD').length,
      };
      for (const r of rows('roll')) bump(out, r.level ?? '');
      return { ...out, ...kept(['unplaced']) };
    }
    case 'class_subject':
      return { classes: rows('classes').length, classSubjects: rows('classSubjects').length, ...kept(['unplaced']) };
    case 'manual':
      return previous;
  }
}

/**
 * Student headcount as on the reference date: the S1–S4 students on roll that day, each with their
 * class and a repeater mark; S5 and S6 counted, repeaters counted by level. Leavers are not listed.
 */
export async function headcountReturn(q: Queryable, refDate: string): Promise<Generated> {
  const { placed, exceptions } = await rollOn(q, refDate);
  const secondary = placed.filter((p) => p.level.startsWith('S'));
  const rows = secondary
    .filter((p) => JUNIOR.has(p.level))
    .map((p) => ({
      strn: p.strn ?? '',
      regNo: p.reg_no,
      nameEn: p.name_en,
      nameZh: p.name_zh ?? '',
      level: p.level,
      classCode: p.class_code,
      classNumber: String(p.class_number),
      repeater: yn(isRepeater(p)),
    }));
  const senior: Record<string, number> = { S5: 0, S6: 0, repeatersS5: 0, repeatersS6: 0 };
  for (const p of secondary.filter((x) => !JUNIOR.has(x.level))) {
    bump(senior, p.level);
    if (isRepeater(p)) bump(senior, `repeaters${p.level}`);
  }
  const files = [file('headcount', 'students', rows)];
  return {
    files,
    summary: returnTotals('headcount', files, { ...senior, unplaced: exceptions.length }),
    referenceDate: refDate,
    exceptions,
  };
}

/**
 * Form E, the enrolment survey at the start of the school year: every student on roll on the
 * reference date with their particulars, class, entry date and repeater mark; counts by level,
 * sex and repeaters, and classes per level, in the summary.
 */
export async function enrolmentStartReturn(q: Queryable, refDate: string): Promise<Generated> {
  const { placed, exceptions } = await rollOn(q, refDate);
  const rows = placed.map((p) => ({
    strn: p.strn ?? '',
    regNo: p.reg_no,
    nameEn: p.name_en,
    nameZh: p.name_zh ?? '',
    sex: p.sex,
    dateOfBirth: p.date_of_birth,
    level: p.level,
    classCode: p.class_code,
    classNumber: String(p.class_number),
    entryDate: p.entry_date,
    repeater: yn(isRepeater(p)),
  }));
  const files = [file('enrolment_start', 'formE', rows)];
  return { files, summary: returnTotals('enrolment_start', files, { unplaced: exceptions.length }), referenceDate: refDate, exceptions };
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
  const year = await yearOf(q, refDate);
  const from = since ?? year.starts_on;
  const { placed: roll, exceptions } = await rollOn(q, refDate);
  const person = (p: Placed) => ({
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
  // Someone on roll without a class is still on roll: not a leaver, and not new either until placed.
  const onRollNow = new Set([...roll.map((p) => p.reg_no), ...exceptions.map((e) => e.regNo)]);
  const gone = before
    ? // Everyone on the last roll who is not on this one, whatever year they were last placed in.
      await listStudentsByRegNo(
        q,
        [...before].filter((r) => !onRollNow.has(r)),
      )
    : await listYearLeavers(q, year.id, from, refDate);
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
  const files = [
    file('enrolment', 'roll', rollRows),
    file('enrolment', 'formA', formA),
    file('enrolment', 'formB', formB),
    file('enrolment', 'formC', formC),
    file('enrolment', 'formD', formD),
  ];
  return { files, summary: returnTotals('enrolment', files, { unplaced: exceptions.length }), referenceDate: refDate, exceptions };
}

/** Class and subject data: classes with their teachers, class subjects with medium and teachers. */
export async function classSubjectReturn(q: Queryable, refDate: string): Promise<Generated> {
  const year = await yearOf(q, refDate);
  const { exceptions } = await rollOn(q, refDate);
  const classes = await listReturnClasses(q, year.id, refDate);
  const subjects = await listReturnClassSubjects(q, year.id);
  const files = [
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
  ];
  return { files, summary: returnTotals('class_subject', files, { unplaced: exceptions.length }), referenceDate: refDate, exceptions };
}

/** Which levels each school teaches this year (for an authority choosing its audience); runs across schools. */
export async function levelsOfSchools(q: Queryable): Promise<Map<string, ('primary' | 'secondary')[]>> {
  const rows = await listLevelsOfSchools(q);
  return new Map(rows.map((r) => [r.school_id, r.levels]));
}
