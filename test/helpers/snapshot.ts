import type { Database } from '../../src/server/core/db/types.js';

/**
 * Tables a refused request may still change, each for a reason; every other table of the schema is
 * fingerprinted, read from the catalogue, so a table added later is covered without being listed.
 */
const ACTIVITY_TABLES: Record<string, string> = {
  audit_log: 'refusals and sign-in failures are recorded on purpose',
  audit_heads: 'moves with every audit record',
  auth_failures: 'the failure counter behind lockout',
  rate_limits: 'the sign-in rate-limit window',
  sessions: 'activity times move on every request (only the count is compared)',
  job_runs: 'the scheduler claims work by key',
  schema_migrations: 'not data',
};

async function dataTables(db: Database): Promise<string[]> {
  const rows = await db.system((q) =>
    q.query<{ name: string }>(
      `SELECT relname AS name FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY relname`,
    ),
  );
  return rows.map((r) => r.name).filter((t) => !(t in ACTIVITY_TABLES));
}

/** A fingerprint of every data table, and the number of sessions. */
export async function snapshot(db: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const tables = await dataTables(db);
  await db.system(async (q) => {
    for (const t of tables) {
      const [r] = await q.query<{ n: number; h: string | null }>(
        `SELECT count(*) AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM "${t}" t`,
      );
      out[t] = `${r?.n}:${r?.h}`;
    }
    const [s] = await q.query<{ n: number }>('SELECT count(*) AS n FROM sessions');
    out.sessions = String(s?.n);
  });
  return out;
}
