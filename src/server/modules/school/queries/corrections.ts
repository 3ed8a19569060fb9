import type { Queryable } from '../../../core/db/types.js';

/** A student's particulars corrected from a survey return (only these columns; everything else is kept). */

export async function findStudentIdByRegNo(q: Queryable, regNo: string): Promise<string | undefined> {
  const [r] = await q.query<{ id: string }>('SELECT id FROM students WHERE reg_no = $1', [regNo]);
  return r?.id;
}

export interface ParticularsValues {
  regNo: string;
  strn: string | null;
  nameZh: string | null;
  nameEn: string;
  sex: 'M' | 'F';
  dateOfBirth: string;
}

export async function updateStudentParticulars(q: Queryable, id: string, p: ParticularsValues): Promise<void> {
  await q.query(
    `UPDATE students SET reg_no = $2, strn = $3, name_zh = $4, name_en = $5, sex = $6, date_of_birth = $7, version = version + 1 WHERE id = $1`,
    [id, p.regNo, p.strn, p.nameZh, p.nameEn, p.sex, p.dateOfBirth],
  );
}
