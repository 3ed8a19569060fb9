/** What a query function sees: one connection, in the role and school the caller asked for. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export type Listener = (payload: string) => void;

/**
 * The one way to reach the database. `system` runs as the owner (migrations, platform tables,
 * sign-in lookups, jobs across schools); `school` runs as the application role with
 * `app.school_id` set, so row-level security confines every statement to that school.
 * Reads need no transaction; `*Tx` opens one and rolls everything back on any error.
 */
export interface Database {
  readonly kind: 'pglite' | 'pg';
  system<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  systemTx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  school<T>(schoolId: string, fn: (q: Queryable) => Promise<T>): Promise<T>;
  schoolTx<T>(schoolId: string, fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Cross-process signal (LISTEN/NOTIFY on PostgreSQL, in-process on PGlite). */
  listen(channel: string, fn: Listener, onReset?: () => void): Promise<void>;
  notify(channel: string, payload: string): Promise<void>;
  /** Whether cross-process notifications are currently being received (caches depend on it). */
  listening(): boolean;
  /** Run fn only if no other process holds the lock; returns false when skipped. */
  exclusive(lockId: number, fn: () => Promise<void>): Promise<boolean>;
  close(): Promise<void>;
}

export const APP_ROLE = 'sams_app';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export function assertUuid(id: string): string {
  if (!UUID_RE.test(id)) throw new Error('school id is not a uuid');
  return id;
}
