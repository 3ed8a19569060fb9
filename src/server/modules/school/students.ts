import type { z } from 'zod';
import { type Actor, who } from '../../core/auth/actor.js';
import type { PlacementBody, StudentCreateBody, StudentQuery, StudentUpdateBody } from '../../../contracts/school.js';
import { audit } from '../../core/audit/audit.js';
import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { OWN_CLASSES_SQL, uniqueError } from './common.js';
import { maskId, normaliseHkid, normaliseStrn } from './identity.js';
import { changes, likePattern } from './staff.js';
import { assertYearOpen, type SchoolDeps } from './years.js';

const UNIQUE = {
  students_school_id_reg_no_key: 'reg_no_taken',
  students_school_id_strn_key: 'strn_taken',
  student_classes_number: 'class_number_taken',
  student_classes_one_place: 'conflict',
} as const;

interface Row {
  id: string;
  reg_no: string;
  strn: string | null;
  name_zh: string | null;
  name_en: string;
  sex: 'M' | 'F';
  status: 'on_roll' | 'left' | 'graduated';
  class_id: string | null;
  class_code: string | null;
  class_number: number | null;
  total?: number;
}
interface DetailRow extends Row {
  date_of_birth: string;
  id_type: 'hkid' | 'passport' | 'other';
  id_number: string;
  entry_date: string;
  leave_date: string | null;
  leave_reason: string | null;
  version: number;
}

const listItem = (r: Row) => ({
  id: r.id,
  regNo: r.reg_no,
  strn: r.strn,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  sex: r.sex,
  classId: r.class_id,
  classCode: r.class_code,
  classNumber: r.class_number,
  status: r.status,
});

/**
 * The data scope of a permission, as SQL on the student's current placement `sc`: the whole school,
 * or only the classes the person teaches or is class teacher of.
 */
function scopeCondition(a: Actor, permission: 'students.read' | 'students.manage', params: unknown[]): string {
  if (!a.ownClassesOnly.has(permission)) return 'true';
  params.push(a.userId);
  return `sc.class_id IN ${OWN_CLASSES_SQL.replaceAll('$OWNER', `$${params.length}`)}`;
}

const FROM = `FROM students st
  LEFT JOIN student_classes sc ON sc.student_id = st.id AND sc.to_date IS NULL AND sc.year_id = (SELECT id FROM school_years WHERE status = 'current')
  LEFT JOIN classes c ON c.id = sc.class_id`;
const LIST_COLS =
  'st.id, st.reg_no, st.strn, st.name_zh, st.name_en, st.sex, st.status, sc.class_id, c.code AS class_code, sc.class_number';

export async function listStudents(d: SchoolDeps, a: Actor, f: z.infer<typeof StudentQuery>) {
  const params: unknown[] = [];
  const where = [scopeCondition(a, 'students.read', params)];
  if (f.q) {
    params.push(likePattern(f.q), f.q.toUpperCase().replace(/[()\s]/g, ''));
    where.push(
      `(st.name_en ILIKE $${params.length - 1} OR st.name_zh LIKE $${params.length - 1} OR st.strn = $${params.length} OR st.reg_no = $${params.length})`,
    );
  }
  if (f.classId) {
    params.push(f.classId);
    where.push(`sc.class_id = $${params.length}`);
  }
  if (f.status) {
    params.push(f.status);
    where.push(`st.status = $${params.length}`);
  }
  params.push(f.limit, f.offset);
  const rows = await d.db.school(a.schoolId, (q) =>
    q.query<Row>(
      `SELECT ${LIST_COLS}, count(*) OVER () AS total ${FROM} WHERE ${where.join(' AND ')}
       ORDER BY c.code NULLS LAST, sc.class_number, st.reg_no LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    ),
  );
  return { students: rows.map(listItem), total: rows[0]?.total ?? 0 };
}

/** One student within the person's scope; outside it the student does not exist for them. */
async function loadStudent(
  q: Queryable,
  a: Actor,
  id: string,
  permission: 'students.read' | 'students.manage',
  lock = false,
): Promise<DetailRow> {
  const params: unknown[] = [id];
  const scope = scopeCondition(a, permission, params);
  const [r] = await q.query<DetailRow>(
    `SELECT ${LIST_COLS}, st.date_of_birth::text, st.id_type, st.id_number, st.entry_date::text, st.leave_date::text, st.leave_reason, st.version
     ${FROM} WHERE st.id = $1 AND ${scope}${lock ? ' FOR UPDATE OF st' : ''}`,
    params,
  );
  if (!r) throw new AppError('not_found');
  return r;
}

export async function getStudent(d: SchoolDeps, a: Actor, id: string) {
  return d.db.school(a.schoolId, async (q) => {
    const r = await loadStudent(q, a, id, 'students.read');
    const history = await q.query<{
      year_code: string;
      class_code: string;
      class_number: number;
      from_date: string;
      to_date: string | null;
    }>(
      `SELECT y.code AS year_code, c.code AS class_code, sc.class_number, sc.from_date::text, sc.to_date::text
       FROM student_classes sc JOIN classes c ON c.id = sc.class_id JOIN school_years y ON y.id = sc.year_id
       WHERE sc.student_id = $1 ORDER BY sc.from_date DESC, sc.to_date DESC NULLS FIRST`,
      [id],
    );
    return {
      ...listItem(r),
      dateOfBirth: r.date_of_birth,
      idType: r.id_type,
      idMasked: maskId(r.id_type, r.id_number),
      entryDate: r.entry_date,
      leaveDate: r.leave_date,
      leaveReason: r.leave_reason,
      version: r.version,
      history: history.map((h) => ({
        yearCode: h.year_code,
        classCode: h.class_code,
        classNumber: h.class_number,
        fromDate: h.from_date,
        toDate: h.to_date,
      })),
    };
  });
}

/** Identity numbers and STRNs are checked and normalised; dates must be in order. */
export function cleanStudent<T extends z.infer<typeof StudentCreateBody> | (z.infer<typeof StudentUpdateBody> & { idNumber: string })>(
  b: T,
): T {
  const out = { ...b };
  if (b.idType === 'hkid') {
    const id = normaliseHkid(b.idNumber);
    if (!id) throw new AppError('hkid_invalid');
    out.idNumber = id;
  }
  if (b.strn) {
    const s = normaliseStrn(b.strn);
    if (!s) throw new AppError('strn_invalid');
    out.strn = s;
  }
  if (b.dateOfBirth >= b.entryDate || (b.leaveDate && b.leaveDate < b.entryDate)) throw new AppError('dates_out_of_order');
  return out;
}

async function place(
  q: Queryable,
  a: Actor,
  studentId: string,
  classId: string,
  classNumber: number,
  fromDate: string,
): Promise<{ yearId: string }> {
  const [c] = await q.query<{ year_id: string }>('SELECT year_id FROM classes WHERE id = $1', [classId]);
  if (!c) throw new AppError('not_found');
  await assertYearOpen(q, c.year_id);
  await q.query(
    `UPDATE student_classes SET to_date = greatest(from_date, $3::date - 1) WHERE student_id = $1 AND year_id = $2 AND to_date IS NULL`,
    [studentId, c.year_id, fromDate],
  );
  await q.query(
    'INSERT INTO student_classes (school_id, student_id, year_id, class_id, class_number, from_date) VALUES ($1, $2, $3, $4, $5, $6)',
    [a.schoolId, studentId, c.year_id, classId, classNumber, fromDate],
  );
  return { yearId: c.year_id };
}

export async function createStudent(d: SchoolDeps, a: Actor, body: z.infer<typeof StudentCreateBody>): Promise<string> {
  // Creating a student is a whole-school action: a scope limited to one's classes cannot add people.
  if (a.ownClassesOnly.has('students.manage')) throw new AppError('forbidden');
  const b = cleanStudent(body);
  if ((b.classId === undefined) !== (b.classNumber === undefined))
    throw new AppError('validation_failed', { errors: [{ path: '/classNumber', code: 'required_with_class' }] });
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const [s] = await q.query<{ id: string }>(
        `INSERT INTO students (school_id, reg_no, strn, name_zh, name_en, sex, date_of_birth, id_type, id_number, entry_date, status, leave_date, leave_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
        [
          a.schoolId,
          b.regNo,
          b.strn ?? null,
          b.nameZh ?? null,
          b.nameEn,
          b.sex,
          b.dateOfBirth,
          b.idType,
          b.idNumber,
          b.entryDate,
          b.status,
          b.leaveDate ?? null,
          b.leaveReason ?? null,
        ],
      );
      if (!s) throw new Error('student not created');
      if (b.classId && b.classNumber) {
        await place(q, a, s.id, b.classId, b.classNumber, b.entryDate);
      }
      await audit(q, d.clock, {
        ...who(a),
        action: 'students.created',
        target: `student:${s.id}`,
        details: { regNo: b.regNo, classId: b.classId ?? null, classNumber: b.classNumber ?? null },
      });
      return s.id;
    });
  } catch (err) {
    throw uniqueError(err, UNIQUE);
  }
}

export async function updateStudent(d: SchoolDeps, a: Actor, id: string, body: z.infer<typeof StudentUpdateBody>): Promise<void> {
  try {
    await d.db.schoolTx(a.schoolId, async (q) => {
      const before = await loadStudent(q, a, id, 'students.manage', true);
      if (before.version !== body.version) throw new AppError('version_conflict');
      const b = cleanStudent({ ...body, idNumber: body.idNumber ?? before.id_number });
      await q.query(
        `UPDATE students SET reg_no = $2, strn = $3, name_zh = $4, name_en = $5, sex = $6, date_of_birth = $7, id_type = $8, id_number = $9,
                entry_date = $10, status = $11, leave_date = $12, leave_reason = $13, version = version + 1 WHERE id = $1`,
        [
          id,
          b.regNo,
          b.strn ?? null,
          b.nameZh ?? null,
          b.nameEn,
          b.sex,
          b.dateOfBirth,
          b.idType,
          b.idNumber,
          b.entryDate,
          b.status,
          b.leaveDate ?? null,
          b.leaveReason ?? null,
        ],
      );
      const fields = (r: {
        reg_no: string;
        strn: string | null;
        name_zh: string | null;
        name_en: string;
        sex: string;
        date_of_birth: string;
        id_type: string;
        id_number: string;
        entry_date: string;
        status: string;
        leave_date: string | null;
        leave_reason: string | null;
      }) => ({
        regNo: r.reg_no,
        strn: r.strn,
        nameZh: r.name_zh,
        nameEn: r.name_en,
        sex: r.sex,
        dateOfBirth: r.date_of_birth,
        idType: r.id_type,
        idNumber: r.id_number,
        entryDate: r.entry_date,
        status: r.status,
        leaveDate: r.leave_date,
        leaveReason: r.leave_reason,
      });
      const after = fields({
        reg_no: b.regNo,
        strn: b.strn ?? null,
        name_zh: b.nameZh ?? null,
        name_en: b.nameEn,
        sex: b.sex,
        date_of_birth: b.dateOfBirth,
        id_type: b.idType,
        id_number: b.idNumber,
        entry_date: b.entryDate,
        status: b.status,
        leave_date: b.leaveDate ?? null,
        leave_reason: b.leaveReason ?? null,
      });
      // The identity number is personal data: the audit says it changed, not what it is.
      await audit(q, d.clock, {
        ...who(a),
        action: 'students.updated',
        target: `student:${id}`,
        details: changes(fields(before), after, ['idNumber']),
      });
    });
  } catch (err) {
    throw uniqueError(err, UNIQUE);
  }
}

export async function moveStudent(d: SchoolDeps, a: Actor, id: string, b: z.infer<typeof PlacementBody>): Promise<void> {
  try {
    await d.db.schoolTx(a.schoolId, async (q) => {
      const s = await loadStudent(q, a, id, 'students.manage', true);
      await place(q, a, id, b.classId, b.classNumber, b.fromDate);
      await audit(q, d.clock, {
        ...who(a),
        action: 'students.moved',
        target: `student:${id}`,
        details: {
          from: s.class_code ? `${s.class_code} ${s.class_number}` : null,
          toClass: b.classId,
          classNumber: b.classNumber,
          fromDate: b.fromDate,
        },
      });
    });
  } catch (err) {
    throw uniqueError(err, UNIQUE);
  }
}

/** The full identity number, for a stated reason; every reveal is audited. */
export async function revealId(d: SchoolDeps, a: Actor, id: string, reason: string): Promise<string> {
  return d.db.schoolTx(a.schoolId, async (q) => {
    const s = await loadStudent(q, a, id, 'students.read');
    await audit(q, d.clock, { ...who(a), action: 'students.id_revealed', target: `student:${id}`, details: { reason, regNo: s.reg_no } });
    return s.id_number;
  });
}
