import type { z } from 'zod';
import { type Actor, who } from '../../core/auth/actor.js';
import type { StaffCreateBody, StaffQuery, StaffUpdateBody } from '../../../contracts/school.js';
import { audit } from '../../core/audit/audit.js';
import { AppError } from '../../core/errors.js';
import { uniqueError } from './common.js';
import type { SchoolDeps } from './years.js';

interface StaffRow {
  id: string;
  staff_code: string;
  name_zh: string | null;
  name_en: string;
  post: string | null;
  status: 'serving' | 'on_leave' | 'left';
  join_date: string | null;
  leave_date: string | null;
  email: string | null;
  user_id: string | null;
  version: number;
  total?: number;
}
const COLS = 'id, staff_code, name_zh, name_en, post, status, join_date::text, leave_date::text, email, user_id, version';
const view = (r: StaffRow) => ({
  id: r.id,
  staffCode: r.staff_code,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  post: r.post,
  status: r.status,
  joinDate: r.join_date,
  leaveDate: r.leave_date,
  email: r.email,
  userId: r.user_id,
  version: r.version,
});

export const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listStaff(d: SchoolDeps, schoolId: string, f: z.infer<typeof StaffQuery>) {
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
  const rows = await d.db.school(schoolId, (q) =>
    q.query<StaffRow>(
      `SELECT ${COLS}, count(*) OVER () AS total FROM staff WHERE ${where.join(' AND ')} ORDER BY staff_code LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    ),
  );
  return { staff: rows.map(view), total: rows[0]?.total ?? 0 };
}

function checkDates(b: { joinDate?: string; leaveDate?: string }) {
  if (b.joinDate && b.leaveDate && b.leaveDate < b.joinDate) throw new AppError('dates_out_of_order');
}

export async function createStaff(d: SchoolDeps, a: Actor, b: z.infer<typeof StaffCreateBody>): Promise<string> {
  checkDates(b);
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const [s] = await q.query<{ id: string }>(
        `INSERT INTO staff (school_id, staff_code, name_zh, name_en, post, status, join_date, leave_date, email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          a.schoolId,
          b.staffCode,
          b.nameZh ?? null,
          b.nameEn,
          b.post ?? null,
          b.status,
          b.joinDate ?? null,
          b.leaveDate ?? null,
          b.email ?? null,
        ],
      );
      if (!s) throw new Error('staff not created');
      await audit(q, d.clock, { ...who(a), action: 'staff.created', target: `staff:${s.id}`, details: { staffCode: b.staffCode } });
      return s.id;
    });
  } catch (err) {
    throw uniqueError(err, { staff_school_id_staff_code_key: 'staff_code_taken' });
  }
}

/** Saved only if nobody saved since the editor loaded it (version check): no silent overwrite. */
export async function updateStaff(d: SchoolDeps, a: Actor, id: string, b: z.infer<typeof StaffUpdateBody>): Promise<void> {
  checkDates(b);
  try {
    await d.db.schoolTx(a.schoolId, async (q) => {
      const [before] = await q.query<StaffRow>(`SELECT ${COLS} FROM staff WHERE id = $1 FOR UPDATE`, [id]);
      if (!before) throw new AppError('not_found');
      if (before.version !== b.version) throw new AppError('version_conflict');
      const userId = b.userId === undefined ? before.user_id : b.userId;
      if (userId && userId !== before.user_id) {
        // The account must be one of this school's (foreign keys do not see row-level security).
        const [u] = await q.query('SELECT id FROM users WHERE id = $1', [userId]);
        if (!u) throw new AppError('not_found');
      }
      await q.query(
        `UPDATE staff SET staff_code = $2, name_zh = $3, name_en = $4, post = $5, status = $6, join_date = $7, leave_date = $8, email = $9,
                user_id = $10, version = version + 1 WHERE id = $1`,
        [
          id,
          b.staffCode,
          b.nameZh ?? null,
          b.nameEn,
          b.post ?? null,
          b.status,
          b.joinDate ?? null,
          b.leaveDate ?? null,
          b.email ?? null,
          userId,
        ],
      );
      const after = view({
        ...before,
        staff_code: b.staffCode,
        name_zh: b.nameZh ?? null,
        name_en: b.nameEn,
        post: b.post ?? null,
        status: b.status,
        join_date: b.joinDate ?? null,
        leave_date: b.leaveDate ?? null,
        email: b.email ?? null,
        user_id: userId,
      });
      await audit(q, d.clock, { ...who(a), action: 'staff.updated', target: `staff:${id}`, details: changes(view(before), after) });
    });
  } catch (err) {
    throw uniqueError(err, { staff_school_id_staff_code_key: 'staff_code_taken', staff_user_id_key: 'conflict' });
  }
}

/** Before/after of the fields that changed, for the audit record. */
export function changes<T extends Record<string, unknown>>(before: T, after: T, hidden: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(after)) {
    if (k === 'version' || before[k] === after[k]) continue;
    out[k] = hidden.includes(k) ? 'changed' : { before: before[k] ?? null, after: after[k] ?? null };
  }
  return out;
}
