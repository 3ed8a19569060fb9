import type { Clock } from '../../core/clock.js';
import type { Database, Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { countVisible, type VisibleTable } from './queries/visible.js';

/** What the school records' operations need. */
export interface SchoolDeps {
  db: Database;
  clock: Clock;
  /** Seals and hashes students' identity numbers (through the school's data key). */
  serverKey: Buffer;
}

/**
 * Every id a request refers to must be a row this school can see. (Foreign keys are checked
 * without row-level security, so without this a row could point at another school's record.)
 */
export async function assertVisible(q: Queryable, table: VisibleTable, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  if ((await countVisible(q, table, unique)) !== unique.length) throw new AppError('not_found');
}

/** Before/after of the fields that changed, for the audit record. */
export function changes<T extends object>(before: T, after: T, hidden: readonly (keyof T)[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Both are the same record shape, so every key of `after` is one of T's.
  for (const k of Object.keys(after) as (keyof T & string)[]) {
    if (k === 'version' || before[k] === after[k]) continue;
    out[k] = hidden.includes(k) ? 'changed' : { before: before[k] ?? null, after: after[k] ?? null };
  }
  return out;
}
