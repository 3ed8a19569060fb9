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

export const PG_ADMIN = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export type Kind = 'pglite' | 'pg';
export const KINDS: Kind[] = process.env.BENCH_ONLY ? [process.env.BENCH_ONLY as Kind] : ['pglite', 'pg'];
export const label = (k: Kind) => (k === 'pg' ? 'PostgreSQL' : 'PGlite');

async function admin(sql: string) {
  const a = new pg.Client({ connectionString: PG_ADMIN });
  await a.connect();
  await a.query(sql);
  await a.end();
}

/**
 * A fresh server on a fresh database of the given kind, with a school whose administrator is signed
 * in (TOTP enrolled). `call` goes through the real stack in-process and keeps the cookie.
 */
export async function benchSchool(kind: Kind, env: Record<string, string> = {}, authority: 'EDB' | 'HKEAA' | null = null) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sams-bench-'));
  const dbName = `sams_bench_${randomBytes(4).toString('hex')}`;
  let url: string | undefined;
  if (kind === 'pg') {
    await admin(`CREATE DATABASE ${dbName}`);
    const u = new URL(PG_ADMIN);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SCHEDULER: 'false', ...(url ? { DATABASE_URL: url } : {}), ...env });
  const server = await createServer({ config, logger: pino({ level: process.env.BENCH_LOG ?? 'silent' }) });
  let cookie = '';
  let csrf = '';
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await server.app.inject({
      method: method as 'POST',
      url: path,
      payload: body as object,
      headers: { cookie, 'x-csrf-token': csrf },
    });
    const sid = r.cookies.find((c) => c.name === 'sid')?.value;
    if (sid) cookie = `sid=${sid}`;
    if (r.statusCode >= 400) throw new Error(`${method} ${path}: ${r.statusCode} ${r.body}`);
    return r.body ? JSON.parse(r.body) : null;
  };
  const { token } = await createSetupToken(server.deps.db, server.deps.clock, authority);
  const setup = await call('POST', '/api/setup', {
    token,
    school: authority ? undefined : { nameZh: '效能測試中學', nameEn: 'Bench Secondary School', schoolNumber: '777777' },
    admin: { username: 'benchadmin', displayNameEn: 'Bench Admin', email: 'bench@example.edu.hk', password: 'quiet river lantern 2026' },
  });
  csrf = (await call('GET', '/api/auth/me')).csrfToken;
  const start = await call('POST', '/api/account/mfa/enrol/start', {});
  await call('POST', '/api/account/mfa/enrol/confirm', { code: await generate({ secret: start.secret }) });
  const me = await call('GET', '/api/auth/me');
  csrf = me.csrfToken;
  return {
    server,
    call,
    url,
    dataDir,
    words: setup.schoolKeyWords as string[],
    cookie: () => cookie,
    schoolId: me.school.id as string,
    userId: me.user.id as string,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (kind === 'pg') await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    },
  };
}

/** Median of `n` timed calls. */
export async function p50(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)] ?? 0;
}
