import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { MIGRATIONS_DIR } from '../../paths.js';
import type { Database } from './types.js';

const DIR = MIGRATIONS_DIR;
const LOCK_ID = 7_391_001; // advisory lock: one migrator at a time across processes

export interface MigrationResult {
  applied: string[];
}

/** Apply every migration not yet recorded, each in its own transaction; refuse edited ones. */
export async function migrate(db: Database): Promise<MigrationResult> {
  const files = (await readdir(DIR)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  await db.systemTx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
    await q.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Map(
      (await q.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations')).map((r) => [
        r.version,
        r.checksum,
      ]),
    );
    for (const file of files) {
      const sql = await readFile(DIR + file, 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const seen = done.get(file);
      if (seen !== undefined) {
        if (seen !== checksum) throw new Error(`Migration ${file} was edited after it was applied; add a new migration instead.`);
        continue;
      }
      await q.query('SAVEPOINT m');
      try {
        await execScript(db, q, sql);
      } catch (err) {
        throw new Error(`Migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      await q.query('INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)', [file, checksum]);
      applied.push(file);
    }
  });
  return { applied };
}

/** A script of several statements runs through the simple protocol (no parameters). */
async function execScript(db: Database, q: { query: (s: string) => Promise<unknown> }, sql: string): Promise<void> {
  if (db.kind === 'pglite') {
    // Only the PGlite database carries `pg` (see openPglite); the Database interface stays engine-neutral.
    const pg = (db as unknown as { pg: { exec(s: string): Promise<unknown> } }).pg;
    await pg.exec(sql);
  } else {
    await q.query(sql);
  }
}
