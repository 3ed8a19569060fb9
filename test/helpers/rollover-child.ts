/**
 * A process that migrates a school to the new year and is killed (SIGKILL) by the test half way: it
 * opens the database it is given (DATABASE_URL, or the PGlite folder DATA_DIR), says `migrating` on
 * stdout, and migrates, saying `placing` as the placements' insert starts. The test has made that insert slow,
 * so the kill lands mid-transaction.
 */
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../src/server/core/clock.js';
import { openPg } from '../../src/server/core/db/pg.js';
import { openPglite } from '../../src/server/core/db/pglite.js';
import type { Database, Queryable } from '../../src/server/core/db/types.js';
import { migrateToNewYear } from '../../src/server/modules/planning/service.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const opened = process.env.DATABASE_URL ? openPg(process.env.DATABASE_URL, 2, () => undefined) : await openPglite(env('DATA_DIR'));
// Says `placing` just before the placements' insert, so the test kills inside the migration's transaction.
const watched = (q: Queryable): Queryable => ({
  query: <T>(sql: string, params?: unknown[]) => {
    if (sql.trimStart().startsWith('INSERT INTO student_classes')) process.stdout.write('placing\n');
    return q.query<T>(sql, params);
  },
});
const db: Database = {
  ...opened,
  schoolTx: (schoolId, fn) => opened.schoolTx(schoolId, (q) => fn(watched(q))),
  close: () => opened.close(),
};
const actor = {
  id: 'child',
  tokenHash: randomBytes(32),
  schoolId: env('SCHOOL_ID'),
  userId: env('USER_ID'),
  username: 'rollover-admin',
  displayNameEn: 'Rollover admin',
  stage: 'done' as const,
  createdAt: new Date(),
  lastSeenAt: new Date(),
  rotate: false,
  permissions: new Set<string>(['planning.migrate']),
  ownClassesOnly: new Set<string>(),
  roleIds: [],
  ip: '127.0.0.1',
};
process.stdout.write('migrating\n');
await migrateToNewYear({ db, clock: systemClock }, actor, env('CONFIRM'));
process.stdout.write('migrated\n');
await db.close();
