import { audit } from '../../core/audit/audit.js';
import { type Actor, who } from '../../core/auth/actor.js';
import { type HeaderLanguage, IMPORT_COLUMNS, type ImportKindName, headerOf } from '../../../contracts/import-columns.js';
import { type SheetProgress, writeSheet } from './spreadsheet.js';
import { listStaff } from './staff.js';
import { listStudents } from './students/list.js';
import { CONTACT_EXPORT_COLUMNS, contactExportCells } from './students/contacts-export.js';
import type { SchoolDeps } from './common.js';

/** The import's headers for these columns, in the person's language: an exported file imports again as it is. */
function headers(kind: ImportKindName, names: string[], lang: HeaderLanguage): string[] {
  return names.map((n) => {
    const col = IMPORT_COLUMNS[kind].find((c) => c.name === n);
    if (!col) throw new Error(`export column ${n} is not an import column`);
    return headerOf(col, lang);
  });
}

/**
 * Exports go through the same list queries as the screens, so data scopes apply; identity numbers
 * and dates of birth are left out (least exposure under the PDPO). The columns are the import's, so
 * the file comes back in unchanged: a row without the left-out columns keeps what the record has.
 */
export async function exportStudents(
  d: SchoolDeps,
  a: Actor,
  format: 'csv' | 'xlsx',
  lang: HeaderLanguage,
  classId?: string,
  progress?: SheetProgress,
): Promise<Buffer> {
  const { students } = await listStudents(d, a, { limit: 5000, offset: 0, classId });
  await progress?.(0, students.length);
  // Contacts: in full only where the person holds the contacts right for the student, masked otherwise.
  const contacts = await contactExportCells(
    d,
    a,
    students.map((s) => s.id),
  );
  const file = await writeSheet(
    format,
    headers(
      'students',
      ['class', 'class_number', 'reg_no', 'strn', 'name_zh', 'name_en', 'sex', 'status', ...CONTACT_EXPORT_COLUMNS],
      lang,
    ),
    students.map((s) => [s.classCode, s.classNumber, s.regNo, s.strn, s.nameZh, s.nameEn, s.sex, s.status, ...(contacts.get(s.id) ?? [])]),
    progress,
  );
  await d.db.schoolTx(a.schoolId, (q) =>
    audit(q, d.clock, {
      ...who(a),
      action: 'school.exported',
      target: 'export:students',
      details: { format, lang, classId: classId ?? null, rows: students.length },
    }),
  );
  return file;
}

export async function exportStaff(
  d: SchoolDeps,
  a: Actor,
  format: 'csv' | 'xlsx',
  lang: HeaderLanguage,
  progress?: SheetProgress,
): Promise<Buffer> {
  const { staff } = await listStaff(d, a.schoolId, { limit: 500, offset: 0 });
  await progress?.(0, staff.length);
  const file = await writeSheet(
    format,
    headers('staff', ['staff_code', 'name_zh', 'name_en', 'post', 'status', 'join_date', 'leave_date', 'email'], lang),
    staff.map((s) => [s.staffCode, s.nameZh, s.nameEn, s.post, s.status, s.joinDate, s.leaveDate, s.email]),
    progress,
  );
  await d.db.schoolTx(a.schoolId, (q) =>
    audit(q, d.clock, { ...who(a), action: 'school.exported', target: 'export:staff', details: { format, lang, rows: staff.length } }),
  );
  return file;
}
