import { audit } from '../../core/audit/audit.js';
import { type Actor, who } from '../../core/auth/actor.js';
import { writeSheet } from './spreadsheet.js';
import { listStaff } from './staff.js';
import { listStudents } from './students/list.js';
import type { SchoolDeps } from './common.js';

/**
 * Exports go through the same list queries as the screens, so data scopes apply; identity numbers
 * and dates of birth are left out (least exposure under the PDPO).
 */
export async function exportStudents(d: SchoolDeps, a: Actor, format: 'csv' | 'xlsx', classId?: string): Promise<Buffer> {
  const { students } = await listStudents(d, a, { limit: 5000, offset: 0, classId });
  const file = await writeSheet(
    format,
    ['class', 'class_number', 'reg_no', 'strn', 'name_zh', 'name_en', 'sex', 'status'],
    students.map((s) => [s.classCode, s.classNumber, s.regNo, s.strn, s.nameZh, s.nameEn, s.sex, s.status]),
  );
  await d.db.schoolTx(a.schoolId, (q) =>
    audit(q, d.clock, {
      ...who(a),
      action: 'school.exported',
      target: 'export:students',
      details: { format, classId: classId ?? null, rows: students.length },
    }),
  );
  return file;
}

export async function exportStaff(d: SchoolDeps, a: Actor, format: 'csv' | 'xlsx'): Promise<Buffer> {
  const { staff } = await listStaff(d, a.schoolId, { limit: 500, offset: 0 });
  const file = await writeSheet(
    format,
    ['staff_code', 'name_zh', 'name_en', 'post', 'status', 'join_date', 'leave_date', 'email'],
    staff.map((s) => [s.staffCode, s.nameZh, s.nameEn, s.post, s.status, s.joinDate, s.leaveDate, s.email]),
  );
  await d.db.schoolTx(a.schoolId, (q) =>
    audit(q, d.clock, { ...who(a), action: 'school.exported', target: 'export:staff', details: { format, rows: staff.length } }),
  );
  return file;
}
