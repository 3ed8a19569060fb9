/**
 * `npm run bench`: the foundation's figures, on PGlite and on PostgreSQL, in one run.
 *  (a) a bare Fastify route doing one primary-key SELECT on the same database
 *  (b) the same query through the real stack: session + permission + tenant scoping (GET /api/admin/settings)
 *  (c) sign-in (argon2id at the OWASP cost)
 * plus the permission check, start-up time on an existing data directory, and idle memory.
 * The load comes from a separate autocannon process. Compare ratios, not absolutes: machines are shared.
 */
import Fastify from 'fastify';
import { generate } from 'otplib';
import pg from 'pg';
import pino from 'pino';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/server/config.js';
import { CATALOGUE } from '../src/server/core/auth/permissions.js';
import { createSetupToken } from '../src/server/core/setup/service.js';
import { createServer } from '../src/server/server.js';
import { decideNetwork, parseCidr } from '../src/server/modules/access/network.js';

const run = promisify(execFile);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const PG_ADMIN = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PASSWORD = 'quiet river lantern 2026';

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** The load generator runs in its own process; the servers under test stay responsive in this one. */
async function autocannon(
  url: string,
  opts: { connections: number; method?: string; body?: string; headers?: Record<string, string> },
): Promise<Load> {
  const args = ['-j', '-c', String(opts.connections), '-d', String(DURATION)];
  if (opts.method) args.push('-m', opts.method);
  if (opts.body) args.push('-b', opts.body);
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`);
  const { stdout: out } = await run('node_modules/.bin/autocannon', [...args, url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const j = JSON.parse(out) as { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
  return { rps: j.requests.average, p50: j.latency.p50, p99: j.latency.p99, errors: j.non2xx + j.errors };
}

async function prepare(kind: 'pglite' | 'pg') {
  const dataDir = mkdtempSync(join(tmpdir(), `sams-bench-${kind}-`));
  let dbName: string | undefined;
  let url: string | undefined;
  if (kind === 'pg') {
    dbName = `sams_bench_${randomBytes(4).toString('hex')}`;
    const a = new pg.Client({ connectionString: PG_ADMIN });
    await a.connect();
    await a.query(`CREATE DATABASE ${dbName}`);
    await a.end();
    const u = new URL(PG_ADMIN);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  const env = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    LOGIN_RATE_PER_MINUTE: '10000',
    SCHEDULER: 'false',
    ...(url ? { DATABASE_URL: url } : {}),
  };
  const config = loadConfig(env);
  const server = await createServer({ config, logger: pino({ level: 'silent' }) });
  const inject = async (method: string, path: string, body: unknown, cookie: string, csrf = '') => {
    const r = await server.app.inject({
      method: method as 'POST',
      url: path,
      payload: body as object,
      headers: { cookie, 'x-csrf-token': csrf },
    });
    const sid = r.cookies.find((c) => c.name === 'sid')?.value;
    return { body: r.body ? JSON.parse(r.body) : null, cookie: sid ? `sid=${sid}` : cookie, status: r.statusCode };
  };
  const { token } = await createSetupToken(server.deps.db, server.deps.clock);
  let r = await inject(
    'POST',
    '/api/setup',
    {
      token,
      school: { nameZh: '基準測試學校', nameEn: 'Benchmark School', schoolNumber: '999999' },
      admin: { username: 'benchadmin', displayNameEn: 'Bench Admin', email: 'bench@example.edu.hk', password: PASSWORD },
    },
    '',
  );
  if (r.status !== 200) throw new Error(`setup failed: ${JSON.stringify(r.body)}`);
  let cookie = r.cookie;
  let me = await inject('GET', '/api/auth/me', undefined, cookie);
  const start = await inject('POST', '/api/account/mfa/enrol/start', {}, cookie, me.body.csrfToken);
  r = await inject(
    'POST',
    '/api/account/mfa/enrol/confirm',
    { code: await generate({ secret: start.body.secret }) },
    cookie,
    me.body.csrfToken,
  );
  cookie = r.cookie;
  me = await inject('GET', '/api/auth/me', undefined, cookie);
  const roles = (await inject('GET', '/api/admin/roles', undefined, cookie)).body.roles as { id: string; key: string }[];
  await inject(
    'POST',
    '/api/admin/users',
    {
      username: 'benchteacher',
      displayNameEn: 'Bench Teacher',
      password: 'first passphrase 2026',
      roleIds: [roles.find((x) => x.key === 'teacher')?.id],
    },
    cookie,
    me.body.csrfToken,
  );
  const t = await inject('POST', '/api/auth/login', { username: 'benchteacher', password: 'first passphrase 2026' }, '');
  const tme = await inject('GET', '/api/auth/me', undefined, t.cookie);
  await inject(
    'POST',
    '/api/account/password',
    { currentPassword: 'first passphrase 2026', newPassword: PASSWORD },
    t.cookie,
    tme.body.csrfToken,
  );
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (server.app.server.address() as { port: number }).port;
  const schoolId = me.body.school.id as string;

  // (a) the bare route: same query, same database, nothing else.
  const bare = Fastify({ logger: false });
  const sql = 'SELECT privileged_limit FROM schools WHERE id = $1';
  let barePool: pg.Pool | undefined;
  if (kind === 'pg') {
    barePool = new pg.Pool({ connectionString: url, max: config.DATABASE_POOL_SIZE });
    bare.get('/bare', async () => (await barePool!.query(sql, [schoolId])).rows[0]); // eslint-disable-line @typescript-eslint/no-non-null-assertion
  } else {
    const lite = (server.deps.db as unknown as { pg: { query: (s: string, p: unknown[]) => Promise<{ rows: unknown[] }> } }).pg;
    bare.get('/bare', async () => (await lite.query(sql, [schoolId])).rows[0]);
  }
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const barePort = (bare.server.address() as { port: number }).port;

  return {
    config,
    dataDir,
    url,
    port,
    barePort,
    cookie,
    async close() {
      await bare.close();
      await barePool?.end();
      await server.close();
    },
    async drop() {
      if (dbName) {
        const a = new pg.Client({ connectionString: PG_ADMIN });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await a.end();
      }
    },
  };
}

/** `npm start` on an existing data directory: time until it answers, then RSS after idling. */
async function startAndIdle(env: Record<string, string>): Promise<{ readyMs: number; rssMb: number }> {
  // Build first (as a first `npm start` would), so only the start of an existing installation is timed.
  await run(process.execPath, ['scripts/start.mjs', '--build-only']);
  const port = 3900 + Math.floor(Math.random() * 90);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  let readyMs = -1;
  for (let i = 0; i < 300 && readyMs < 0; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (r.ok) readyMs = performance.now() - t0;
    } catch {
      await new Promise((res) => setTimeout(res, 20));
    }
  }
  await new Promise((res) => setTimeout(res, 5000));
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  child.kill('SIGTERM');
  await new Promise((res) => child.once('exit', res));
  return { readyMs, rssMb: rssKb / 1024 };
}

function permissionCheckNs(): number {
  const held = new Set([...CATALOGUE.keys()]);
  const n = 5_000_000;
  let hits = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (held.has(i & 1 ? 'audit.read' : 'exchange.submit')) hits++;
  const ns = Number(process.hrtime.bigint() - t0) / n;
  if (hits !== n / 2) throw new Error('permission check miscounted');
  return ns;
}

/** The network rule check (memo U2) with zones, a time profile and several roles, as the guard runs it. */
function networkCheckNs(): number {
  const parse = (c: string[]) => c.map(parseCidr);
  const policy = {
    enabled: true,
    zones: [
      { id: 'school', ranges: parse(['10.0.0.0/8', '192.168.0.0/16']) },
      { id: 'ited', ranges: parse(['172.16.0.0/12']) },
    ],
    profiles: new Map([['days', { weekdays: new Set([1, 2, 3, 4, 5]), start: 420, end: 1140 }]]),
    rules: new Map([
      [
        'teacher',
        [
          { zoneId: 'school', profileId: null },
          { zoneId: null, profileId: 'days' },
        ],
      ],
      ['office', [{ zoneId: 'school', profileId: null }]],
    ]),
  };
  const now = new Date('2026-11-02T02:00:00Z');
  const n = 500_000;
  let ok = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (decideNetwork(policy, ['office', 'teacher'], i & 1 ? '203.0.113.7' : '10.1.2.3', now).ok) ok++;
  const ns = Number(process.hrtime.bigint() - t0) / n;
  if (ok !== n) throw new Error('network check miscounted');
  return ns;
}

const fmt = (l: Load) =>
  `${l.rps.toFixed(0).padStart(7)} req/s  p50 ${String(l.p50).padStart(4)} ms  p99 ${String(l.p99).padStart(4)} ms${l.errors ? `  (${l.errors} errors!)` : ''}`;

const results: Record<string, unknown> = {};
console.log(`Benchmark: ${DURATION} s per load, load generator in a separate process (autocannon), ${new Date().toISOString()}\n`);
console.log(`permission check: ${permissionCheckNs().toFixed(1)} ns (target < 2000 ns)`);
console.log(
  `network zone + time profile check (uncached, per address change): ${networkCheckNs().toFixed(0)} ns (target < 5000 ns; the guard memoises it per session, address and minute)\n`,
);
const kinds: ('pglite' | 'pg')[] = process.env.BENCH_ONLY ? [process.env.BENCH_ONLY as 'pglite' | 'pg'] : ['pglite', 'pg'];
for (const kind of kinds) {
  const b = await prepare(kind);
  console.log(`== ${kind === 'pg' ? 'PostgreSQL' : 'PGlite'}`);
  const a = await autocannon(`http://127.0.0.1:${b.barePort}/bare`, { connections: 50 });
  console.log(`(a) bare route, PK SELECT      ${fmt(a)}`);
  const s = await autocannon(`http://127.0.0.1:${b.port}/api/admin/settings`, { connections: 50, headers: { cookie: b.cookie } });
  console.log(`(b) real stack, same query      ${fmt(s)}`);
  const ratio = s.rps / a.rps;
  console.log(`    b/a = ${ratio.toFixed(2)} (target ≥ ${kind === 'pg' ? '0.50' : '0.35'})`);
  const c = await autocannon(`http://127.0.0.1:${b.port}/api/auth/login`, {
    connections: 4,
    method: 'POST',
    body: JSON.stringify({ username: 'benchteacher', password: PASSWORD }),
    headers: { 'content-type': 'application/json' },
  });
  console.log(`(c) sign-in (argon2id m=19456)  ${fmt(c)}`);
  const dataDir = b.dataDir;
  const url = b.url;
  await b.close();
  const idle = await startAndIdle({ DATA_DIR: dataDir, ...(url ? { DATABASE_URL: url } : {}), SCHEDULER: 'false' }).catch(() => ({
    readyMs: -1,
    rssMb: -1,
  }));
  await b.drop();
  console.log(
    `start on existing data: answering in ${(idle.readyMs / 1000).toFixed(2)} s (target < 3 s); idle RSS ${idle.rssMb.toFixed(0)} MB (target < ${kind === 'pg' ? 150 : 400} MB)\n`,
  );
  results[kind] = { a, b: s, ratio, signIn: c, startMs: idle.readyMs, idleRssMb: idle.rssMb };
  if (kind === 'pglite') rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(results));
process.exit(0);
