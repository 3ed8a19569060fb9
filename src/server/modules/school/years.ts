import type { z } from 'zod';
import { type Actor, who } from '../../core/auth/actor.js';
import type { ClassCreateBody, ClassSubjectCreateBody, SubjectCreateBody } from '../../../contracts/school.js';
import { audit } from '../../core/audit/audit.js';
import type { Clock } from '../../core/clock.js';
import type { Database, Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { assertVisible, uniqueError } from './common.js';

export interface SchoolDeps {
  db: Database;
  clock: Clock;
}

interface YearRow {
  id: string;
  code: string;
  starts_on: string;
  ends_on: string;
  status: 'planned' | 'current' | 'finished';
}
const yearView = (r: YearRow) => ({ id: r.id, code: r.code, startsOn: r.starts_on, endsOn: r.ends_on, status: r.status });

export async function listYears(d: SchoolDeps, schoolId: string) {
  const rows = await d.db.school(schoolId, (q) =>
    q.query<YearRow>(`SELECT id, code, starts_on::text, ends_on::text, status FROM school_years ORDER BY starts_on DESC`),
  );
  return rows.map(yearView);
}

/** A school year runs 1 September – 31 August. The first year a school creates becomes current. */
export async function createYear(d: SchoolDeps, a: Actor, startYear: number): Promise<string> {
  const code = `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`;
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const [cur] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM school_years WHERE status = 'current'`);
      const status = (cur?.n ?? 0) === 0 ? 'current' : 'planned';
      const [y] = await q.query<{ id: string }>(
        `INSERT INTO school_years (school_id, code, starts_on, ends_on, status) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [a.schoolId, code, `${startYear}-09-01`, `${startYear + 1}-08-31`, status],
      );
      if (!y) throw new Error('year not created');
      await audit(q, d.clock, { ...who(a), action: 'school.year_created', target: `year:${y.id}`, details: { code, status } });
      return y.id;
    });
  } catch (err) {
    throw uniqueError(err, { school_years_school_id_code_key: 'conflict' });
  }
}

/** The current year becomes finished (read-only from then on); the chosen one becomes current. */
export async function makeCurrent(d: SchoolDeps, a: Actor, yearId: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const [y] = await q.query<YearRow>(
      'SELECT id, code, starts_on::text, ends_on::text, status FROM school_years WHERE id = $1 FOR UPDATE',
      [yearId],
    );
    if (!y) throw new AppError('not_found');
    if (y.status === 'current') return;
    if (y.status === 'finished') throw new AppError('year_finished');
    const prev = await q.query<{ code: string }>(`UPDATE school_years SET status = 'finished' WHERE status = 'current' RETURNING code`);
    await q.query(`UPDATE school_years SET status = 'current' WHERE id = $1`, [yearId]);
    await audit(q, d.clock, {
      ...who(a),
      action: 'school.year_made_current',
      target: `year:${yearId}`,
      details: { code: y.code, finished: prev[0]?.code ?? null },
    });
  });
}

/** Writes into a year are refused once it is finished. */
export async function assertYearOpen(q: Queryable, yearId: string): Promise<void> {
  const [y] = await q.query<{ status: string }>('SELECT status FROM school_years WHERE id = $1', [yearId]);
  if (!y) throw new AppError('not_found');
  if (y.status === 'finished') throw new AppError('year_finished');
}

export async function currentYearId(q: Queryable): Promise<string | null> {
  const [y] = await q.query<{ id: string }>(`SELECT id FROM school_years WHERE status = 'current'`);
  return y?.id ?? null;
}

export async function listClasses(d: SchoolDeps, schoolId: string, yearId?: string) {
  return d.db.school(schoolId, async (q) => {
    const year = yearId ?? (await currentYearId(q));
    if (!year) return [];
    const rows = await q.query<{
      id: string;
      year_id: string;
      code: string;
      level: 'P1';
      name_zh: string;
      name_en: string;
      stream: string | null;
      teacher_ids: string[] | null;
      students: number;
    }>(
      `SELECT c.id, c.year_id, c.code, c.level, c.name_zh, c.name_en, c.stream,
              (SELECT array_agg(staff_id) FROM class_teachers ct WHERE ct.class_id = c.id) AS teacher_ids,
              (SELECT count(*) FROM student_classes sc WHERE sc.class_id = c.id AND sc.to_date IS NULL) AS students
       FROM classes c WHERE c.year_id = $1 ORDER BY c.level, c.code`,
      [year],
    );
    return rows.map((r) => ({
      id: r.id,
      yearId: r.year_id,
      code: r.code,
      level: r.level,
      nameZh: r.name_zh,
      nameEn: r.name_en,
      stream: r.stream,
      teacherIds: r.teacher_ids ?? [],
      studentCount: r.students,
    }));
  });
}

export async function createClass(d: SchoolDeps, a: Actor, b: z.infer<typeof ClassCreateBody>): Promise<string> {
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      await assertYearOpen(q, b.yearId);
      await assertVisible(q, 'staff', b.teacherIds);
      const [c] = await q.query<{ id: string }>(
        `INSERT INTO classes (school_id, year_id, code, level, name_zh, name_en, stream) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [a.schoolId, b.yearId, b.code, b.level, b.nameZh, b.nameEn, b.stream ?? null],
      );
      if (!c) throw new Error('class not created');
      for (const t of new Set(b.teacherIds))
        await q.query('INSERT INTO class_teachers (school_id, class_id, staff_id) VALUES ($1, $2, $3)', [a.schoolId, c.id, t]);
      await audit(q, d.clock, {
        ...who(a),
        action: 'school.class_created',
        target: `class:${c.id}`,
        details: { code: b.code, level: b.level, teachers: b.teacherIds },
      });
      return c.id;
    });
  } catch (err) {
    throw uniqueError(err, { classes_year_id_code_key: 'class_code_taken' });
  }
}

export async function listSubjects(d: SchoolDeps, schoolId: string) {
  const rows = await d.db.school(schoolId, (q) =>
    q.query<{ id: string; code: string; name_zh: string; name_en: string; edb_code: string | null }>(
      'SELECT id, code, name_zh, name_en, edb_code FROM subjects ORDER BY code',
    ),
  );
  return rows.map((r) => ({ id: r.id, code: r.code, nameZh: r.name_zh, nameEn: r.name_en, edbCode: r.edb_code }));
}

export async function createSubject(d: SchoolDeps, a: Actor, b: z.infer<typeof SubjectCreateBody>): Promise<string> {
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const [s] = await q.query<{ id: string }>(
        'INSERT INTO subjects (school_id, code, name_zh, name_en, edb_code) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [a.schoolId, b.code, b.nameZh, b.nameEn, b.edbCode ?? null],
      );
      if (!s) throw new Error('subject not created');
      await audit(q, d.clock, { ...who(a), action: 'school.subject_created', target: `subject:${s.id}`, details: { code: b.code } });
      return s.id;
    });
  } catch (err) {
    throw uniqueError(err, { subjects_school_id_code_key: 'subject_code_taken' });
  }
}

export async function createClassSubject(d: SchoolDeps, a: Actor, b: z.infer<typeof ClassSubjectCreateBody>): Promise<string> {
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const [c] = await q.query<{ year_id: string }>('SELECT year_id FROM classes WHERE id = $1', [b.classId]);
      if (!c) throw new AppError('not_found');
      await assertYearOpen(q, c.year_id);
      await assertVisible(q, 'subjects', [b.subjectId]);
      await assertVisible(q, 'staff', b.teacherIds);
      const [cs] = await q.query<{ id: string }>(
        'INSERT INTO class_subjects (school_id, class_id, subject_id, medium) VALUES ($1, $2, $3, $4) RETURNING id',
        [a.schoolId, b.classId, b.subjectId, b.medium],
      );
      if (!cs) throw new Error('class subject not created');
      for (const t of new Set(b.teacherIds)) {
        await q.query('INSERT INTO class_subject_teachers (school_id, class_subject_id, staff_id) VALUES ($1, $2, $3)', [
          a.schoolId,
          cs.id,
          t,
        ]);
      }
      await audit(q, d.clock, {
        ...who(a),
        action: 'school.class_subject_created',
        target: `class_subject:${cs.id}`,
        details: { class: b.classId, subject: b.subjectId, medium: b.medium },
      });
      return cs.id;
    });
  } catch (err) {
    throw uniqueError(err, { class_subjects_class_id_subject_id_key: 'conflict' });
  }
}

export async function listClassSubjects(d: SchoolDeps, schoolId: string, classId: string) {
  const rows = await d.db.school(schoolId, async (q) => {
    await assertVisible(q, 'classes', [classId]);
    return q.query<{ id: string; class_id: string; subject_id: string; medium: 'chinese'; teacher_ids: string[] | null }>(
      `SELECT cs.id, cs.class_id, cs.subject_id, cs.medium,
              (SELECT array_agg(staff_id) FROM class_subject_teachers t WHERE t.class_subject_id = cs.id) AS teacher_ids
       FROM class_subjects cs WHERE cs.class_id = $1`,
      [classId],
    );
  });
  return rows.map((r) => ({ id: r.id, classId: r.class_id, subjectId: r.subject_id, medium: r.medium, teacherIds: r.teacher_ids ?? [] }));
}
