import type { z } from 'zod';
import type { StaffStatus } from '../../../../contracts/school.js';
import type { Queryable } from '../../../core/db/types.js';
import { likePattern, returnedId } from './sql.js';

export interface StaffRow {
  id: string;
  staff_code: string;
  name_zh: string | null;
  name_en: string;
  post: string | null;
  status: z.infer<typeof StaffStatus>;
  join_date: string | null;
  leave_date: string | null;
  email: string | null;
  user_id: string | null;
  version: number;
}
export interface StaffListRow extends StaffRow {
  /** Rows matching the filter, before paging. */
  total: number;
}
const COLS = 'id, staff_code, name_zh, name_en, post, status, join_date::text, leave_date::text, email, user_id, version';

export interface StaffFilter {
  /** Part of a name, or a whole staff code. */
  q?: string;
  status?: z.infer<typeof StaffStatus>;
  limit: number;
  offset: number;
}

export async function listStaffRows(q: Queryable, f: StaffFilter): Promise<StaffListRow[]> {
  const where: string[] = ['true'];
  const params: unknown[] = [];
  if (f.q) {
    params.push(likePattern(f.q), f.q.toUpperCase());
    where.push(`(name_en ILIKE $${params.length - 1} OR name_zh LIKE $${params.length - 1} OR staff_code = $${params.length})`);
  }
  if (f.status) {
    params.push(f.status);
    where.push(`status = $${params.length}`);
  }
  params.push(f.limit, f.offset);
  return q.query<StaffListRow>(
    `SELECT ${COLS}, count(*) OVER () AS total FROM staff WHERE ${where.join(' AND ')} ORDER BY staff_code LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
}

/** A staff record's fields as written by the editor (absent values already null). */
export interface StaffValues {
  staffCode: string;
  nameZh: string | null;
  nameEn: string;
  post: string | null;
  status: z.infer<typeof StaffStatus>;
  joinDate: string | null;
  leaveDate: string | null;
  email: string | null;
}

export async function insertStaff(q: Queryable, schoolId: string, s: StaffValues): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO staff (school_id, staff_code, name_zh, name_en, post, status, join_date, leave_date, email)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [schoolId, s.staffCode, s.nameZh, s.nameEn, s.post, s.status, s.joinDate, s.leaveDate, s.email],
  );
  return returnedId(rows, 'staff');
}

export async function findStaffForUpdate(q: Queryable, id: string): Promise<StaffRow | undefined> {
  const [s] = await q.query<StaffRow>(`SELECT ${COLS} FROM staff WHERE id = $1 FOR UPDATE`, [id]);
  return s;
}

/** Whether a sign-in account is this school's (foreign keys do not see row-level security). */
export async function userExists(q: Queryable, userId: string): Promise<boolean> {
  const [u] = await q.query('SELECT id FROM users WHERE id = $1', [userId]);
  return u !== undefined;
}

/** Saves the fields and the account link, and moves the version on. */
export async function updateStaffRow(q: Queryable, id: string, s: StaffValues & { userId: string | null }): Promise<void> {
  await q.query(
    `UPDATE staff SET staff_code = $2, name_zh = $3, name_en = $4, post = $5, status = $6, join_date = $7, leave_date = $8, email = $9,
            user_id = $10, version = version + 1 WHERE id = $1`,
    [id, s.staffCode, s.nameZh, s.nameEn, s.post, s.status, s.joinDate, s.leaveDate, s.email, s.userId],
  );
}

/** The staff record linked to a sign-in account, if any. */
export async function findStaffIdOfUser(q: Queryable, userId: string): Promise<string | undefined> {
  const [s] = await q.query<{ id: string }>('SELECT id FROM staff WHERE user_id = $1', [userId]);
  return s?.id;
}
