import { generate } from 'otplib';
import pino from 'pino';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/server/config.js';
import { ManualClock } from '../../src/server/core/clock.js';
import { createSetupToken } from '../../src/server/core/setup/service.js';
import { createServer } from '../../src/server/server.js';
import { type TestDb, freshDb } from './db.js';

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** A whole server on a fresh database with a clock the test moves. */
export async function startTestServer(env: Record<string, string> = {}) {
  const tdb: TestDb = await freshDb();
  const clock = new ManualClock(new Date('2026-11-02T01:00:00Z'));
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'sams-')),
    SERVER_KEY: randomBytes(32).toString('hex'),
    ARGON2_MEMORY_KIB: '1024',
    LOGIN_RATE_PER_MINUTE: '1000',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const server = await createServer({ config, clock, db: tdb.db, logger: pino({ level: 'silent' }) });
  await server.app.ready();
  return {
    ...server,
    clock,
    tdb,
    db: tdb.db,
    async close() {
      await server.close();
      await tdb.drop();
    },
  };
}

/** A tiny cookie-keeping client over app.inject. */
export class Client {
  cookie = '';
  csrf = '';
  constructor(
    private s: TestServer,
    public ip = '10.0.0.1',
  ) {}

  async req(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await this.s.app.inject({
      method: method as 'GET',
      url,
      remoteAddress: this.ip,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const set = res.cookies.find((c) => c.name === 'sid');
    if (set) this.cookie = set.value ? `sid=${set.value}` : '';
    return { status: res.statusCode, body: res.body ? safeJson(res.body) : null, headers: res.headers };
  }
  get = (url: string) => this.req('GET', url);
  post = (url: string, body: unknown = {}) => this.req('POST', url, body);
  put = (url: string, body: unknown) => this.req('PUT', url, body);
  del = (url: string) => this.req('DELETE', url);

  async refreshCsrf() {
    const me = await this.get('/api/auth/me');
    this.csrf = (me.body as { csrfToken?: string })?.csrfToken ?? '';
    return me;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies loosely; the routes' Zod schemas are the contract
function safeJson(s: string): any {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

export const ADMIN_PASSWORD = 'correct horse battery staple 42';

export interface SetupSchool {
  client: Client;
  /** The code its people sign in with: the school number, or the authority's code. */
  code: string;
  schoolId: string;
  adminId: string;
  totpSecret: string;
  recoveryCodes: string[];
  words: string[];
}

/** First-run setup through HTTP, including TOTP enrolment: returns a fully signed-in administrator. */
/** Set up a school (or, with `authority`, the Education Bureau or the HKEAA) with its first administrator, fully signed in. */
export async function setupSchool(s: TestServer, n = 1, authority: 'EDB' | 'HKEAA' | null = null): Promise<SetupSchool> {
  const { token } = await createSetupToken(s.db, s.clock, authority);
  const c = new Client(s, `10.0.${n}.1`);
  const orgCode = authority ?? `5${String(n).padStart(5, '0')}`;
  const r = await c.post('/api/setup', {
    token,
    school: authority ? undefined : { nameZh: `測試學校${n}`, nameEn: `Test School ${n}`, schoolNumber: orgCode },
    admin: {
      username: `admin${n}`,
      displayNameEn: `Admin Person ${n}`,
      displayNameZh: `管理員${n}`,
      email: `admin${n}@school${n}.edu.hk`,
      password: ADMIN_PASSWORD,
    },
  });
  if (r.status !== 200) throw new Error(`setup failed: ${r.status} ${JSON.stringify(r.body)}`);
  await c.refreshCsrf();
  const start = await c.post('/api/account/mfa/enrol/start');
  const secret = start.body.secret as string;
  const code = await totpNow(s, secret);
  const conf = await c.post('/api/account/mfa/enrol/confirm', { code });
  if (conf.status !== 200) throw new Error(`enrol failed: ${conf.status} ${JSON.stringify(conf.body)}`);
  const me = await c.refreshCsrf();
  return {
    client: c,
    code: orgCode,
    schoolId: me.body.school.id,
    adminId: me.body.user.id,
    totpSecret: secret,
    recoveryCodes: conf.body.recoveryCodes,
    words: r.body.schoolKeyWords,
  };
}

export function totpNow(s: TestServer, secret: string): Promise<string> {
  return generate({ secret, epoch: Math.floor(s.clock.now().getTime() / 1000) });
}

/** Create a user as the administrator, with roles by template key, and sign them in fully. */
export async function createUser(s: TestServer, admin: Client, username: string, roleKeys: string[] = []) {
  const roles = (await admin.get('/api/admin/roles')).body.roles as { id: string; key: string }[];
  const roleIds = roleKeys.map((k) => roles.find((r) => r.key === k)?.id).filter(Boolean);
  const password = `initial password for ${username.length}x`;
  const r = await admin.post('/api/admin/users', { username, displayNameEn: `Person ${username.slice(-2)}`, password, roleIds });
  if (r.status !== 201) throw new Error(`create user failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id as string, password };
}

/** Sign the school's administrator in again (after the test moved the clock past a timeout). */
export async function signInAgain(s: TestServer, school: SetupSchool): Promise<void> {
  const c = school.client;
  c.cookie = '';
  const r = await c.post('/api/auth/login', {
    username: 'admin' + school.client.ip.split('.')[2],
    password: ADMIN_PASSWORD,
    school: school.code,
  });
  if (r.body.stage !== 'mfa') throw new Error(`sign-in again failed: ${JSON.stringify(r.body)}`);
  await c.refreshCsrf();
  const m = await c.post('/api/auth/mfa', { code: await totpNow(s, school.totpSecret) });
  if (m.body.stage !== 'done') throw new Error(`MFA again failed: ${JSON.stringify(m.body)}`);
  await c.refreshCsrf();
}

/**
 * A user an administrator created signs in for the first time: changes the initial password and
 * enrols MFA when required. `school` (the school's code) may be left out where there is one organisation.
 */
export async function firstSignIn(s: TestServer, username: string, password: string, ip: string, school?: string): Promise<Client> {
  const x = new Client(s, ip);
  await x.post('/api/auth/login', { username, password, school });
  await x.refreshCsrf();
  await x.post('/api/account/password', { currentPassword: password, newPassword: `${password} changed` });
  await x.refreshCsrf();
  const start = await x.post('/api/account/mfa/enrol/start');
  if (start.status === 200) await x.post('/api/account/mfa/enrol/confirm', { code: await totpNow(s, start.body.secret) });
  await x.refreshCsrf();
  return x;
}
