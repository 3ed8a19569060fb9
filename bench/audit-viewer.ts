/**
 * The audit viewer over 1,000,000 records: first page, a page deep in the log (keyset), and each
 * filter, through the real route (session + permission + tenant scoping), p50 of 30 calls each.
 * `npm run bench:audit` (BENCH_ONLY=pg|pglite to pick one; AUDIT_ROWS to change the size).
 */
import { generate } from 'otplib';
import pg from 'pg';
import pino from 'pino';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/server/config.js';
import { createSetupToken } from '../src/server/core/setup/service.js';
import { createServer } from '../src/server/server.js';

const ROWS = Number(process.env.AUDIT_ROWS ?? 1_000_000);
const PG_ADMIN = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function one(kind: 'pglite' | 'pg') {
  const dataDir = mkdtempSync(join(tmpdir(), 'sams-audit-'));
  let url: string | undefined;
  const dbName = `sams_audit_${randomBytes(4).toString('hex')}`;
  if (kind === 'pg') {
    const a = new pg.Client({ connectionString: PG_ADMIN });
    await a.connect();
    await a.query(`CREATE DATABASE ${dbName}`);
    await a.end();
    const u = new URL(PG_ADMIN);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SCHEDULER: 'false', ...(url ? { DATABASE_URL: url } : {}) });
  const server = await createServer({ config, logger: pino({ level: 'silent' }) });
  const inject = async (method: string, path: string, body: unknown, cookie: string, csrf = '') => {
    const r = await server.app.inject({ method: method as 'POST', url: path, payload: body as object, headers: { cookie, 'x-csrf-token': csrf } });
    const sid = r.cookies.find((c) => c.name === 'sid')?.value;
    return { body: r.body ? JSON.parse(r.body) : null, cookie: sid ? `sid=${sid}` : cookie };
  };
  const { token } = await createSetupToken(server.deps.db, server.deps.clock);
  let r = await inject('POST', '/api/setup', {
    token, school: { nameZh: '審計測試學校', nameEn: 'Audit School', schoolNumber: '888888' },
    admin: { username: 'auditadmin', displayNameEn: 'Audit Admin', email: 'audit@example.edu.hk', password: 'quiet river lantern 2026' },
  }, '');
  const me0 = await inject('GET', '/api/auth/me', undefined, r.cookie);
  const start = await inject('POST', '/api/account/mfa/enrol/start', {}, r.cookie, me0.body.csrfToken);
  r = await inject('POST', '/api/account/mfa/enrol/confirm', { code: await generate({ secret: start.body.secret }) }, r.cookie, me0.body.csrfToken);
  const cookie = r.cookie;
  const schoolId = (await inject('GET', '/api/auth/me', undefined, cookie)).body.school.id as string;

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

  const p50 = async (path: string) => {
    const times: number[] = [];
    let n = 0;
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      const res = await server.app.inject({ method: 'GET', url: path, headers: { cookie } });
      times.push(performance.now() - t);
      if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
      n = (JSON.parse(res.body) as { entries: unknown[] }).entries.length;
    }
    times.sort((a, b) => a - b);
    return `${(times[15] ?? 0).toFixed(1).padStart(6)} ms  (${n} rows)`;
  };
  const now = Date.now();
  const iso = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString();
  console.log(`== ${kind === 'pg' ? 'PostgreSQL' : 'PGlite'}: ${ROWS.toLocaleString('en')} audit records (filled in ${fillS.toFixed(1)} s)`);
  console.log(`first page (50)                     ${await p50('/api/audit?limit=50')}`);
  console.log(`page after 900,000 newer records    ${await p50(`/api/audit?limit=50&before=${ROWS - 900_000}`)}`);
  console.log(`person filter                       ${await p50('/api/audit?limit=50&actor=staff42')}`);
  console.log(`person filter, deep (keyset)        ${await p50(`/api/audit?limit=50&actor=staff42&before=${ROWS - 800_000}`)}`);
  console.log(`action filter                       ${await p50('/api/audit?limit=50&action=users.created')}`);
  console.log(`period: one day 200 days ago        ${await p50(`/api/audit?limit=50&from=${iso(201)}&to=${iso(200)}`)}`);
  console.log(`person + action + period            ${await p50(`/api/audit?limit=50&actor=staff42&action=auth.login&from=${iso(300)}&to=${iso(100)}`)}\n`);
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'pg') {
    const a = new pg.Client({ connectionString: PG_ADMIN });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await a.end();
  }
}

const kinds: ('pglite' | 'pg')[] = process.env.BENCH_ONLY ? [process.env.BENCH_ONLY as 'pglite' | 'pg'] : ['pglite', 'pg'];
for (const k of kinds) await one(k);
process.exit(0);
