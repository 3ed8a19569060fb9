import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { migrate } from '../../src/server/core/db/migrate.js';
import { openPg } from '../../src/server/core/db/pg.js';
import { openPglite } from '../../src/server/core/db/pglite.js';
import type { Database } from '../../src/server/core/db/types.js';
import { PG_ADMIN_URL, TEST_DB, withDatabaseName } from './db-config.js';

export { PG_ADMIN_URL, TEST_DB } from './db-config.js';

let dump: Promise<Blob> | undefined;

/** The migrated data directory the run's global setup dumped (or, outside vitest's setup, one made here). */
export function migratedDump(): Promise<Blob> {
  dump ??= (async () => {
    const path = inject('pgliteDump');
    if (path) return new Blob([readFileSync(path)]);
    const db = await openPglite(undefined);
    await migrate(db);
    const blob = await db.pg.dumpDataDir('none');
    await db.close();
    return blob;
  })();
  return dump;
}

/** A migrated PGlite database of the test's own, opened from the migrated dump (no initdb, no migrations). */
export async function pgliteFromTemplate(): Promise<Database & { pg: PGlite }> {
  // The application's own start parameters (shared_buffers and parsers), as `npm start` opens it.
  return openPglite(undefined, { loadDataDir: await migratedDump() });
}

export interface TestDb {
  db: Database;
  /** Connection string of this test's database (PostgreSQL only). */
  url?: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A new PostgreSQL database copied from the run's migrated template (two workers may copy it at once: retry while it is busy). */
async function createFromTemplate(name: string, template: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
      return;
    } catch (err) {
      // 55006: the template is being accessed by another session at this instant.
      if ((err as { code?: string }).code !== '55006' || attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
}

export async function freshDb(): Promise<TestDb> {
  if (TEST_DB === 'pglite') {
    const db = await pgliteFromTemplate();
    return { db, drop: () => db.close() };
  }
  const name = `sams_t_${randomBytes(6).toString('hex')}`;
  const template = inject('pgTemplate');
  if (template) await createFromTemplate(name, template);
  else await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabaseName(name);
  const db = openPg(url, 6, () => undefined);
  if (!template) await migrate(db);
  return {
    db,
    url,
    async drop() {
      await db.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
