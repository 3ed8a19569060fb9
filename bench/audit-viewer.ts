/**
 * The audit viewer over 1,000,000 records: first page, a page deep in the log (keyset), and each
 * filter, through the real route (session + permission + tenant scoping), p50 of 30 calls each.
 * `npm run bench:audit` (BENCH_ONLY=pg|pglite to pick one; AUDIT_ROWS to change the size).
 */

import { KINDS, type Kind, benchSchool, label, p50 } from './helpers.js';
const ROWS = Number(process.env.AUDIT_ROWS ?? 1_000_000);

async function one(kind: Kind) {
  const b = await benchSchool(kind);
  const { server, schoolId } = b;

  const t0 = performance.now();
  await server.deps.db.systemTx(async (q) => {
    const [h] = await q.query<{ seq: number }>('SELECT seq FROM audit_heads WHERE chain_id = $1', [schoolId]);
    const base = h?.seq ?? 0;
    // Synthetic records (their hashes are not a valid chain; this measures the viewer, not verify).
    await q.query(
      `INSERT INTO audit_log (chain_id, seq, school_id, occurred_at, actor_id, actor_name, action, target, ip, outcome, details, prev_hash, hash)
       SELECT $1, $2 + g, $1, now() - interval '365 days' + (g * interval '365 days' / $3), NULL, 'staff' || (g % 90),
              (ARRAY['auth.login','auth.logout','auth.login_failed','users.created','account.locale_changed','sessions.revoked','auth.mfa_verified'])[1 + g % 7],
              'user:' || (g % 500), '10.0.' || (g % 250) || '.1', CASE WHEN g % 7 = 2 THEN 'failure' ELSE 'success' END, '{}', '\\x00', '\\x00'
       FROM generate_series(1, $3) AS g`,
      [schoolId, base, ROWS],
    );
    await q.query('UPDATE audit_heads SET seq = $2 WHERE chain_id = $1', [schoolId, base + ROWS]);
    await q.query('ANALYZE audit_log');
  });
  const fillS = (performance.now() - t0) / 1000;

  const timed = async (path: string) => {
    let n = 0;
    const ms = await p50(30, async () => (n = (await b.call('GET', path)).entries.length));
    return `${ms.toFixed(1).padStart(6)} ms  (${n} rows)`;
  };
  const now = Date.now();
  const iso = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString();
  console.log(`== ${label(kind)}: ${ROWS.toLocaleString('en')} audit records (filled in ${fillS.toFixed(1)} s)`);
  console.log(`first page (50)                     ${await timed('/api/audit?limit=50')}`);
  console.log(`page after 900,000 newer records    ${await timed(`/api/audit?limit=50&before=${ROWS - 900_000}`)}`);
  console.log(`person filter                       ${await timed('/api/audit?limit=50&actor=staff42')}`);
  console.log(`person filter, deep (keyset)        ${await timed(`/api/audit?limit=50&actor=staff42&before=${ROWS - 800_000}`)}`);
  console.log(`action filter                       ${await timed('/api/audit?limit=50&action=users.created')}`);
  console.log(`period: one day 200 days ago        ${await timed(`/api/audit?limit=50&from=${iso(201)}&to=${iso(200)}`)}`);
  console.log(
    `person + action + period            ${await timed(`/api/audit?limit=50&actor=staff42&action=auth.login&from=${iso(300)}&to=${iso(100)}`)}\n`,
  );
  await b.close();
}

for (const k of KINDS) await one(k);
process.exit(0);
