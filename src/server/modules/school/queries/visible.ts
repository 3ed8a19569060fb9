import type { Queryable } from '../../../core/db/types.js';

/** The tables a request may name ids of; a closed list, because the name is written into the SQL. */
export type VisibleTable = 'staff' | 'classes' | 'subjects' | 'school_years';

/** How many of the (distinct) ids are rows this school can see (row-level security applies). */
export async function countVisible(q: Queryable, table: VisibleTable, ids: string[]): Promise<number> {
  const [r] = await q.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE id = ANY($1)`, [ids]);
  return r?.n ?? 0;
}
