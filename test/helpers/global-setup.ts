/**
 * Runs once per test run, before any worker: migrates one database and hands it to every test file,
 * so no test pays for initdb or migrations again.
 * - PGlite: a migrated data directory dumped to a file; each test opens its own copy (~0.4 s).
 * - PostgreSQL: a migrated template database; each test gets `CREATE DATABASE … TEMPLATE` (~0.1 s).
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/server/core/db/migrate.js';
import { openPg } from '../../src/server/core/db/pg.js';
import { openPglite } from '../../src/server/core/db/pglite.js';
import { PG_ADMIN_URL, TEST_DB, withDatabaseName } from './db-config.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the migrated PGlite dump (a tar file). */
    pgliteDump: string;
    /** Name of the migrated PostgreSQL template database ('' when the run is on PGlite). */
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'sams-template-'));
  const dumpPath = join(dir, 'migrated.tar');
  const db = await openPglite(undefined);
  await migrate(db);
  writeFileSync(dumpPath, Buffer.from(await (await db.pg.dumpDataDir('none')).arrayBuffer()));
  await db.close();
  project.provide('pgliteDump', dumpPath);

  let template = '';
  if (TEST_DB === 'pg') {
    template = `sams_tmpl_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${template}`);
    await admin.end();
    const tdb = openPg(withDatabaseName(template), 2, () => undefined);
    await migrate(tdb);
    await tdb.close();
  }
  project.provide('pgTemplate', template);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (!template) return;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
}
