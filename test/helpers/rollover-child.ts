/**
 * A process that migrates a school to the new year and is killed (SIGKILL) by the test half way: it
 * opens the database it is given (DATABASE_URL, or the PGlite folder DATA_DIR), says `migrating` on
 * stdout, and migrates. The test has made the placements' insert slow, so the kill lands mid-transaction.
 */
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../src/server/core/clock.js';
import { openPg } from '../../src/server/core/db/pg.js';
import { openPglite } from '../../src/server/core/db/pglite.js';
import { migrateToNewYear } from '../../src/server/modules/planning/service.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const db = process.env.DATABASE_URL ? openPg(process.env.DATABASE_URL, 2, () => undefined) : await openPglite(env('DATA_DIR'));
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
