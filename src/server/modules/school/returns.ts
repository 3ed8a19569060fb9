import { RETURN_FILES } from '../../../contracts/exchange.js';
import type { Queryable } from '../../core/db/types.js';

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

/** The school year that contains a date, or else the current one. */
async function yearFor(q: Queryable, refDate: string): Promise<{ id: string; starts_on: string } | undefined> {
  const [y] = await q.query<{ id: string; starts_on: string }>(
    `SELECT id, starts_on::text FROM school_years WHERE (starts_on <= $1::date AND ends_on >= $1::date) OR status = 'current'
     ORDER BY (starts_on <= $1::date AND ends_on >= $1::date) DESC LIMIT 1`,
    [refDate],
  );
  return y;
}

interface Placed {
  id: string;
  strn: string | null;
  reg_no: string;
  name_en: string;
  name_zh: string | null;
  sex: string;
  date_of_birth: string;
  entry_date: string;
  leave_date: string | null;
  leave_reason: string | null;
  status: string;
  level: string;
  class_code: string;
  class_number: number;
}

/** Each student's latest placement in the year as on the reference date. */
async function placements(q: Queryable, yearId: string, refDate: string): Promise<Placed[]> {
  return q.query<Placed>(
    `SELECT DISTINCT ON (s.id) s.id, s.strn, s.reg_no, s.name_en, s.name_zh, s.sex, s.date_of_birth::text, s.entry_date::text,
            s.leave_date::text, s.leave_reason, s.status, c.level, c.code AS class_code, sc.class_number
     FROM student_classes sc JOIN students s ON s.id = sc.student_id JOIN classes c ON c.id = sc.class_id
     WHERE sc.year_id = $1 AND sc.from_date <= $2::date
     ORDER BY s.id, sc.from_date DESC, sc.to_date DESC NULLS FIRST`,
    [yearId, refDate],
  );
}

/** On roll on the day: entered by then and not yet left (a student marked left or graduated without a date counts as gone). */
const onRoll = (p: Pick<Placed, 'entry_date' | 'leave_date' | 'status'>, refDate: string) =>
  p.entry_date <= refDate && (p.leave_date !== null ? p.leave_date >= refDate : p.status === 'on_roll');
const byPlace = (a: Placed, b: Placed) =>
  a.level.localeCompare(b.level) || a.class_code.localeCompare(b.class_code) || a.class_number - b.class_number;

/**
 * Student headcount as on the reference date: S1–S4 students with STRN and name, marked when they
 * left before the reference date; counts of S5 and S6 students on roll and of repeaters.
 */
export async function headcountReturn(q: Queryable, refDate: string): Promise<Generated> {
  const year = await yearFor(q, refDate);
  if (!year) return { files: [file('headcount', 'students', [])], summary: { S1: 0, S2: 0, S3: 0, S4: 0, S5: 0, S6: 0, repeaters: 0 } };
  const all = (await placements(q, year.id, refDate)).filter((p) => p.entry_date <= refDate && p.level.startsWith('S'));
  const junior = all.filter((p) => ['S1', 'S2', 'S3', 'S4'].includes(p.level)).sort(byPlace);
  const summary: Record<string, number> = { S1: 0, S2: 0, S3: 0, S4: 0, S5: 0, S6: 0, repeaters: 0 };
  for (const p of all) if (onRoll(p, refDate)) summary[p.level] = (summary[p.level] ?? 0) + 1;
  // A repeater is placed at the same level as in the year before.
  const [rep] = await q.query<{ n: number }>(
    `SELECT count(DISTINCT cur.student_id)::int AS n
     FROM student_classes cur JOIN classes cc ON cc.id = cur.class_id
     JOIN school_years py ON py.ends_on < $2::date AND py.ends_on >= $2::date - 366
     JOIN student_classes prev ON prev.student_id = cur.student_id AND prev.year_id = py.id
     JOIN classes pc ON pc.id = prev.class_id
     JOIN students s ON s.id = cur.student_id
     WHERE cur.year_id = $1 AND cur.from_date <= $3::date AND pc.level = cc.level AND cc.level LIKE 'S%'
       AND (CASE WHEN s.leave_date IS NOT NULL THEN s.leave_date >= $3::date ELSE s.status = 'on_roll' END)`,
    [year.id, year.starts_on, refDate],
  );
  summary.repeaters = rep?.n ?? 0;
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
  const year = await yearFor(q, refDate);
  const from = since ?? year?.starts_on ?? refDate;
  const all = year ? await placements(q, year.id, refDate) : [];
  const roll = all.filter((p) => onRoll(p, refDate)).sort(byPlace);
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
  const onRollNow = new Set(roll.map((p) => p.reg_no));
  const gone = before
    ? // Everyone on the last roll who is not on this one, whatever year they were last placed in.
      await q.query<Pick<Placed, 'strn' | 'reg_no' | 'name_en' | 'leave_date' | 'leave_reason'>>(
        'SELECT strn, reg_no, name_en, leave_date::text, leave_reason FROM students WHERE reg_no = ANY($1) ORDER BY reg_no',
        [[...before].filter((r) => !onRollNow.has(r))],
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
  const year = await yearFor(q, refDate);
  if (!year)
    return {
      files: [file('class_subject', 'classes', []), file('class_subject', 'classSubjects', [])],
      summary: { classes: 0, classSubjects: 0 },
    };
  const classes = await q.query<{
    code: string;
    level: string;
    name_en: string;
    name_zh: string;
    teachers: string | null;
    students: number;
  }>(
    `SELECT c.code, c.level, c.name_en, c.name_zh,
            (SELECT string_agg(st.staff_code, ' ' ORDER BY st.staff_code) FROM class_teachers ct JOIN staff st ON st.id = ct.staff_id WHERE ct.class_id = c.id) AS teachers,
            (SELECT count(*)::int FROM student_classes sc JOIN students st ON st.id = sc.student_id
             WHERE sc.class_id = c.id AND sc.from_date <= $2::date AND (sc.to_date IS NULL OR sc.to_date >= $2::date) AND st.entry_date <= $2::date
               AND (CASE WHEN st.leave_date IS NOT NULL THEN st.leave_date >= $2::date ELSE st.status = 'on_roll' END)) AS students
     FROM classes c WHERE c.year_id = $1 ORDER BY c.level, c.code`,
    [year.id, refDate],
  );
  const subjects = await q.query<{
    class_code: string;
    code: string;
    edb_code: string | null;
    name_en: string;
    medium: string;
    teachers: string | null;
  }>(
    `SELECT c.code AS class_code, su.code, su.edb_code, su.name_en, cs.medium,
            (SELECT string_agg(st.staff_code, ' ' ORDER BY st.staff_code) FROM class_subject_teachers t JOIN staff st ON st.id = t.staff_id WHERE t.class_subject_id = cs.id) AS teachers
     FROM class_subjects cs JOIN classes c ON c.id = cs.class_id JOIN subjects su ON su.id = cs.subject_id
     WHERE c.year_id = $1 ORDER BY c.level, c.code, su.code`,
    [year.id],
  );
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
  const rows = await q.query<{ school_id: string; levels: ('primary' | 'secondary')[] }>(
    `SELECT c.school_id, array_agg(DISTINCT CASE WHEN c.level LIKE 'P%' THEN 'primary' ELSE 'secondary' END) AS levels
     FROM classes c JOIN school_years y ON y.id = c.year_id AND y.status = 'current' GROUP BY c.school_id`,
  );
  return new Map(rows.map((r) => [r.school_id, r.levels]));
}
