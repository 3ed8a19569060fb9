/**
 * `npm run bench:access`: an access-review campaign over 150 staff × 3 roles, completed (all
 * removals applied in one transaction) through the real route; target under 1 s. Both databases.
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

const PG_ADMIN = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function one(kind: 'pglite' | 'pg') {
  const dataDir = mkdtempSync(join(tmpdir(), 'sams-review-'));
  const dbName = `sams_review_${randomBytes(4).toString('hex')}`;
  let url: string | undefined;
  if (kind === 'pg') {
    const a = new pg.Client({ connectionString: PG_ADMIN });
    await a.connect();
    await a.query(`CREATE DATABASE ${dbName}`);
    await a.end();
    const u = new URL(PG_ADMIN);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  const server = await createServer({ config: loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SCHEDULER: 'false', ...(url ? { DATABASE_URL: url } : {}) }), logger: pino({ level: process.env.BENCH_LOG ?? 'silent' }) });
  let cookie = '';
  let csrf = '';
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await server.app.inject({ method: method as 'POST', url: path, payload: body as object, headers: { cookie, 'x-csrf-token': csrf } });
    const sid = r.cookies.find((c) => c.name === 'sid')?.value;
    if (sid) cookie = `sid=${sid}`;
    if (r.statusCode >= 400) throw new Error(`${method} ${path}: ${r.statusCode} ${r.body}`);
    return r.body ? JSON.parse(r.body) : null;
  };
  const { token } = await createSetupToken(server.deps.db, server.deps.clock);
  await call('POST', '/api/setup', {
    token, school: { nameZh: '審核測試學校', nameEn: 'Review Bench School', schoolNumber: '666666' },
    admin: { username: 'reviewadmin', displayNameEn: 'Review Admin', email: 'r@example.edu.hk', password: 'quiet river lantern 2026' },
  });
  csrf = (await call('GET', '/api/auth/me')).csrfToken;
  const start = await call('POST', '/api/account/mfa/enrol/start', {});
  await call('POST', '/api/account/mfa/enrol/confirm', { code: await generate({ secret: start.secret }) });
  const me = await call('GET', '/api/auth/me');
  csrf = me.csrfToken;
  const schoolId = me.school.id as string;
  let principalId = '';
  // 150 staff with 3 roles each, straight into the tables (the bench measures the campaign, not user creation).
  await server.deps.db.schoolTx(schoolId, async (q) => {
    const roles = (await q.query<{ id: string }>(`SELECT id FROM roles WHERE template_key IN ('teacher', 'panel_head', 'office_staff')`)).map((r) => r.id);
    const users = await q.query<{ id: string }>(
      `INSERT INTO users (school_id, username, display_name_en, password_hash, password_changed_at, created_at)
       SELECT $1, 'staff' || g, 'Staff Member ' || g, 'x', now(), now() FROM generate_series(1, 150) AS g RETURNING id`,
      [schoolId],
    );
    await q.query(
      `INSERT INTO user_roles (school_id, user_id, role_id, granted_at) SELECT $1, u, r, now() FROM unnest($2::uuid[]) AS u, unnest($3::uuid[]) AS r`,
      [schoolId, users.map((u) => u.id), roles],
    );
    // The principal reviews the administrator's own rights.
    await q.query(`INSERT INTO user_roles (school_id, user_id, role_id, granted_at) SELECT $1, $2, id, now() FROM roles WHERE template_key = 'principal'`, [schoolId, users[0]?.id]);
    principalId = users[0]?.id ?? '';
  });
  const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const t0 = performance.now();
  const { id } = await call('POST', '/api/access-reviews', { name: 'Bench review', dueOn: due, roleIds: [], secondReviewerId: principalId });
  const t1 = performance.now();
  // Decisions straight in the table (one in three removed); the bench times starting and applying.
  await server.deps.db.system((q) =>
    q.query(`UPDATE access_review_items SET decision = CASE WHEN random() < 0.34 THEN 'remove' ELSE 'keep' END, reason = 'bench', decided_at = now(), decided_by = reviewer_id
             WHERE review_id = $1 AND user_id <> $2 AND user_id <> $3`, [id, me.user.id, principalId]),
  );
  await server.deps.db.system((q) => q.query(`UPDATE access_review_items SET decision = 'keep', reason = 'bench', decided_at = now(), decided_by = reviewer_id WHERE review_id = $1 AND user_id IN ($2, $3)`, [id, me.user.id, principalId]));
  const detail = await call('GET', `/api/access-reviews/${id}`);
  const t2 = performance.now();
  await call('POST', `/api/access-reviews/${id}/complete`, {});
  const t3 = performance.now();
  console.log(`== ${kind === 'pg' ? 'PostgreSQL' : 'PGlite'}: ${detail.total} items (150 staff × 3 roles, the principal and the administrator), ${detail.removals} removals`);
  console.log(`start campaign: ${(t1 - t0).toFixed(0)} ms; complete and apply: ${(t3 - t2).toFixed(0)} ms (target < 1000 ms)\n`);
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
