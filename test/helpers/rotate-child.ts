/**
 * A process that rotates a school's key and is killed (SIGKILL) by the test half way: it opens
 * the database it is given (DATABASE_URL, or the PGlite folder DATA_DIR), says `rotating` on
 * stdout, and rotates. The test has made one row's update sleep, so the kill lands mid-transaction.
 */
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../src/server/core/clock.js';
import { KeyWindow } from '../../src/server/core/crypto/key-window.js';
import { openPg } from '../../src/server/core/db/pg.js';
import { openPglite } from '../../src/server/core/db/pglite.js';
import { rotateKey } from '../../src/server/modules/security/service.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const db = process.env.DATABASE_URL ? openPg(process.env.DATABASE_URL, 2, () => undefined) : await openPglite(env('DATA_DIR'));
const d = { db, clock: systemClock, smtpConfigured: false, keyWindow: new KeyWindow(systemClock, 600_000) };
const actor = {
  id: 'child',
  tokenHash: randomBytes(32),
  schoolId: env('SCHOOL_ID'),
  userId: env('USER_ID'),
  username: 'key-admin',
  displayNameEn: 'Key admin',
  stage: 'done' as const,
  createdAt: new Date(),
  lastSeenAt: new Date(),
  rotate: false,
  permissions: new Set<string>(['school_key.manage']),
  ownClassesOnly: new Set<string>(),
  roleIds: [],
  ip: '127.0.0.1',
};
process.stdout.write('rotating\n');
await rotateKey(d, actor, env('WORDS').split(' '));
process.stdout.write('rotated\n');
await db.close();
