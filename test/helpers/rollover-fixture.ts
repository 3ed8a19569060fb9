/**
 * A demo-like secondary school's year for the rollover, made directly in SQL (factories.ts style):
 * 2025/26 finished and 2026/27 current, S1–S6 × `perLevel` classes × `perClass` students with their
 * places on the year's last day, three subjects per class, and the year's edge cases: a student who
 * left in March (off the roll), one whose leave date is the year's last day (leaves by the records),
 * and one on roll but never placed (an exception until someone decides).
 */
import type { Database, Queryable } from '../../src/server/core/db/types.js';

export const FROM = { code: '2026/27', startsOn: '2026-09-01', endsOn: '2027-08-31' };
export const TO = { code: '2027/28', startsOn: '2027-09-01', endsOn: '2028-08-31' };
const LETTERS = 'ABCDEFGHIJ';

export interface RolloverFixture {
  yearId: string;
  students: number;
  /** Registration numbers of the edge cases. */
  leftInMarch: string;
  leavesOnLastDay: string;
  neverPlaced: string;
}

export async function rolloverFixture(db: Database, schoolId: string, perLevel = 3, perClass = 10): Promise<RolloverFixture> {
  return db.systemTx(async (q: Queryable) => {
    const [prev] = await q.query<{ id: string }>(
      `INSERT INTO school_years (school_id, code, starts_on, ends_on, status) VALUES ($1, '2025/26', '2025-09-01', '2026-08-31', 'finished') RETURNING id`,
      [schoolId],
    );
    const [y] = await q.query<{ id: string }>(
      `INSERT INTO school_years (school_id, code, starts_on, ends_on, status) VALUES ($1, $2, $3, $4, 'current') RETURNING id`,
      [schoolId, FROM.code, FROM.startsOn, FROM.endsOn],
    );
    if (!y || !prev) throw new Error('years not created');
    const codes: string[] = [];
    const levels: string[] = [];
    for (let l = 1; l <= 6; l++)
      for (let c = 0; c < perLevel; c++) {
        codes.push(`${l}${LETTERS[c] ?? 'Z'}`);
        levels.push(`S${l}`);
      }
    const classes = await q.query<{ id: string; code: string }>(
      `INSERT INTO classes (school_id, year_id, code, level, name_zh, name_en)
       SELECT $1, $2, x.code, x.level, '中' || x.code, 'Secondary ' || x.code FROM unnest($3::text[], $4::text[]) AS x(code, level)
       RETURNING id, code`,
      [schoolId, y.id, codes, levels],
    );
    const subjects = await q.query<{ id: string }>(
      `INSERT INTO subjects (school_id, code, name_zh, name_en)
       VALUES ($1, 'CHI', '中國語文', 'Chinese Language'), ($1, 'ENG', '英國語文', 'English Language'), ($1, 'MATH', '數學', 'Mathematics')
       ON CONFLICT (school_id, code) DO UPDATE SET name_en = EXCLUDED.name_en RETURNING id`,
      [schoolId],
    );
    await q.query(
      `INSERT INTO class_subjects (school_id, class_id, subject_id, medium)
       SELECT $1, c, s, 'chinese' FROM unnest($2::uuid[]) AS c CROSS JOIN unnest($3::uuid[]) AS s`,
      [schoolId, classes.map((c) => c.id), subjects.map((s) => s.id)],
    );
    // perClass students per class: names out of alphabetical order against their numbers, so numbering by name moves them.
    const n = classes.length * perClass;
    await q.query(
      `INSERT INTO students (school_id, reg_no, strn, name_zh, name_en, sex, date_of_birth, id_type, id_sealed, id_masked, entry_date, status)
       SELECT $1, 'R' || lpad(i::text, 5, '0'), NULL, '學生' || (($2 - i) % 97), 'Student ' || lpad(((i * 7919) % 100003)::text, 6, '0'),
              CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END, DATE '2010-01-01' + (i % 1500), 'other', 'sealed-for-test', 'X***', DATE '2021-09-01', 'on_roll'
       FROM generate_series(1, $2) AS i`,
      [schoolId, n],
    );
    await q.query(
      `INSERT INTO student_classes (school_id, student_id, year_id, class_id, class_number, from_date)
       SELECT $1, st.id, $2, ($3::uuid[])[((i - 1) / $4) + 1], ((i - 1) % $4) + 1, $5::date
       FROM generate_series(1, $6) AS i JOIN students st ON st.school_id = $1 AND st.reg_no = 'R' || lpad(i::text, 5, '0')`,
      [schoolId, y.id, classes.map((c) => c.id), perClass, FROM.startsOn, n],
    );
    const reg = (i: number) => `R${String(i).padStart(5, '0')}`;
    // Edge cases: 2 left in March; 3 leaves on the last day (still marked on roll); a new student admitted in June, never placed.
    await q.query(`UPDATE students SET status = 'left', leave_date = '2027-03-15' WHERE school_id = $1 AND reg_no = $2`, [
      schoolId,
      reg(2),
    ]);
    await q.query(`UPDATE students SET leave_date = $3 WHERE school_id = $1 AND reg_no = $2`, [schoolId, reg(3), FROM.endsOn]);
    await q.query(
      `INSERT INTO students (school_id, reg_no, name_zh, name_en, sex, date_of_birth, id_type, id_sealed, id_masked, entry_date, status)
       VALUES ($1, 'R99999', '未編班', 'Unplaced Student', 'F', '2012-05-05', 'other', 'sealed-for-test', 'X***', '2027-06-01', 'on_roll')`,
      [schoolId],
    );
    await q.query('ANALYZE students');
    await q.query('ANALYZE student_classes');
    return { yearId: y.id, students: n + 1, leftInMarch: reg(2), leavesOnLastDay: reg(3), neverPlaced: 'R99999' };
  });
}

/** Rows and md5 of the tables a migration touches, for one school, computed here independently of the code under test. */
export async function schoolChecksums(db: Database, schoolId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of [
    'school_years',
    'classes',
    'class_teachers',
    'class_subjects',
    'class_subject_teachers',
    'students',
    'student_classes',
  ]) {
    const [r] = await db.system((q) =>
      q.query<{ n: number; md5: string | null }>(
        `SELECT count(*)::int AS n, md5(string_agg(to_jsonb(t)::text, '|' ORDER BY to_jsonb(t)::text)) AS md5 FROM ${t} t WHERE t.school_id = $1`,
        [schoolId],
      ),
    );
    out[t] = `${r?.n ?? 0}:${r?.md5 ?? ''}`;
  }
  return out;
}
