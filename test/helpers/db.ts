import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { migrate } from '../../src/server/core/db/migrate.js';
import { openPg } from '../../src/server/core/db/pg.js';
import { openPglite, wrapPglite } from '../../src/server/core/db/pglite.js';
import type { Database } from '../../src/server/core/db/types.js';

/** Which database the integration suites run on: TEST_DB=pglite (default) or TEST_DB=pg. */
export const TEST_DB = (process.env.TEST_DB ?? 'pglite') as 'pglite' | 'pg';
/** A role that may create databases (CI creates one for the run; locally the postgres superuser). */
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let dump: Promise<Blob> | undefined;

/** A migrated PGlite database, copied from one migrated once per worker (initdb costs ~3 s). */
async function pgliteDb(): Promise<Database> {
  dump ??= (async () => {
    const db = await openPglite(undefined);
    await migrate(db);
    const blob = await db.pg.dumpDataDir('none');
    await db.close();
    return blob;
  })();
  const pgl = new PGlite({ loadDataDir: await dump, parsers: { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) } });
  await pgl.waitReady;
  return wrapPglite(pgl);
}

export interface TestDb {
  db: Database;
  /** Connection string of this test's database (PostgreSQL only). */
  url?: string;
  drop(): Promise<void>;
}

export async function freshDb(): Promise<TestDb> {
  if (TEST_DB === 'pglite') {
    const db = await pgliteDb();
    return { db, drop: () => db.close() };
  }
  const name = `sams_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const db = openPg(url.toString(), 6, () => undefined);
  await migrate(db);
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
