import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';

/**
 * Every id a request refers to must be a row this school can see. (Foreign keys are checked
 * without row-level security, so without this a row could point at another school's record.)
 */
export async function assertVisible(q: Queryable, table: 'staff' | 'classes' | 'subjects' | 'school_years', ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  const [r] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE id = ANY($1)`, [unique]);
  if ((r?.n ?? 0) !== unique.length) throw new AppError('not_found');
}

/** Unique violations become the clear 409 that names what was taken. */
export function uniqueError(err: unknown, map: Record<string, ConstructorParameters<typeof AppError>[0]>): unknown {
  const e = err as { code?: string; constraint?: string };
  if (e?.code !== '23505') return err;
  for (const [constraint, code] of Object.entries(map)) if (e.constraint === constraint) return new AppError(code);
  return new AppError('conflict');
}

/** Classes the person teaches or is class teacher of (through their staff record). */
export const OWN_CLASSES_SQL = `(
  SELECT ct.class_id FROM class_teachers ct JOIN staff sf ON sf.id = ct.staff_id WHERE sf.user_id = $OWNER
  UNION
  SELECT cs.class_id FROM class_subject_teachers cst JOIN class_subjects cs ON cs.id = cst.class_subject_id
  JOIN staff sf ON sf.id = cst.staff_id WHERE sf.user_id = $OWNER)`;
