import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { createSetupToken } from '../../src/server/core/setup/service.js';
import { createServer } from '../../src/server/server.js';
import pino from 'pino';
import { TEST_DB } from '../helpers/db.js';
import { Client, type SetupSchool, type TestServer, createUser, setupSchool, startTestServer } from '../helpers/server.js';

interface Received {
  to: string[];
  raw: string;
}
const received: Received[] = [];
let smtp: SMTPServer;
let smtpPort = 0;
let s: TestServer;
let admin: SetupSchool;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((res) => smtp.listen(0, '127.0.0.1', () => res()));
  smtpPort = (smtp.server.address() as { port: number }).port;
  s = await startTestServer({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
  admin = await setupSchool(s);
});
afterAll(async () => {
  await s?.close();
  await new Promise<void>((res) => smtp.close(() => res()));
});

describe('e-mail through SMTP_URL', () => {
  it('a lockout e-mail is queued, then sent once by the mail job, however often it runs', async () => {
    const u = await createUser(s, admin.client, 'teacher11', ['teacher']);
    const c = new Client(s, '10.7.0.1');
    for (let i = 0; i < 10; i++) await c.post('/api/auth/login', { username: 'teacher11', password: 'not the password at all' });
    const queued = (await admin.client.get('/api/outbox')).body.entries as { subject: string; status: string }[];
    expect(queued.find((m) => m.subject.includes('teacher11'))?.status).toBe('queued');
    await s.scheduler.tick(true);
    await s.scheduler.tick(true);
    const mails = received.filter((m) => m.raw.includes('teacher11'));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual(['admin1@school1.edu.hk']);
    expect(
      (await admin.client.get('/api/outbox')).body.entries.find((m: { subject: string }) => m.subject.includes('teacher11')).status,
    ).toBe('sent');
    void u;
  });
});

describe('API documentation', () => {
  it('serves OpenAPI at /api/docs', async () => {
    const json = await s.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(json.statusCode).toBe(200);
    const doc = JSON.parse(json.body) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/auth/login');
    const ui = await s.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
  });
});

describe('first-run setup', () => {
  it('answers a taken school number with what was taken, and leaves the link unused; a name another school uses is not taken', async () => {
    const { token } = await createSetupToken(s.db, s.clock);
    const c = new Client(s, '10.7.0.3');
    const admin2 = {
      username: 'admin1',
      displayNameEn: 'Second Admin',
      email: 'admin@second.edu.hk',
      password: 'purple elephants marching slowly',
    };
    const takenNumber = await c.post('/api/setup', {
      token,
      school: { nameZh: '第二學校', nameEn: 'Second School', schoolNumber: '500001' },
      admin: { ...admin2, username: 'admin2' },
    });
    expect([takenNumber.status, takenNumber.body.code]).toEqual([409, 'school_number_taken']);
    expect((await c.get(`/api/setup/${token}`)).body.valid).toBe(true);
    // Sign-in names are per school: the first school's `admin1` tells the second school nothing.
    const sameName = await c.post('/api/setup', {
      token,
      school: { nameZh: '第二學校', nameEn: 'Second School', schoolNumber: '500002' },
      admin: admin2,
    });
    expect(sameName.status).toBe(200);
  });
});

// Two processes on one PostgreSQL database: sign-out in one must be refused at once by the other.
if (TEST_DB === 'pg') {
  describe('across processes', () => {
    it('a session ended in one process is refused immediately by another that had it cached', async () => {
      const other = await createServer({
        config: loadConfig({
          DATABASE_URL: s.tdb.url,
          SERVER_KEY: s.deps.serverKey.toString('hex'),
          DATA_DIR: s.deps.config.DATA_DIR,
          LOG_LEVEL: 'silent',
        }),
        clock: s.clock,
        logger: pino({ level: 'silent' }),
      });
      try {
        await other.app.ready();
        const u = await createUser(s, admin.client, 'teacher12', ['teacher']);
        const c = new Client(s, '10.7.0.2');
        await c.post('/api/auth/login', { username: 'teacher12', password: u.password, school: admin.code });
        await c.refreshCsrf();
        await c.post('/api/account/password', { currentPassword: u.password, newPassword: 'teacher twelve passphrase' });
        await c.refreshCsrf();
        const viaOther = async () =>
          (await other.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: c.cookie } })).statusCode;
        expect(await viaOther()).toBe(200); // now cached in the other process
        const sessions = (await admin.client.get('/api/admin/sessions')).body.sessions as { id: string; username: string }[];
        await admin.client.del(`/api/admin/sessions/${sessions.find((x) => x.username === 'teacher12')?.id}`);
        await new Promise((r) => setTimeout(r, 200)); // NOTIFY delivery
        expect(await viaOther()).toBe(401);
      } finally {
        await other.close();
      }
    });
  });
}

// `npm run demo` builds its school on the embedded database whatever TEST_DB says: test it once.
if (TEST_DB === 'pglite') {
  describe('demo school', () => {
    it('generates 1,050 students in 30 classes, ~90 staff in every role, and two past years of history', async () => {
      const { execFile } = await import('node:child_process');
      const { mkdtempSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const { openPglite } = await import('../../src/server/core/db/pglite.js');
      const dir = join(mkdtempSync(join(tmpdir(), 'sams-demo-')), 'data');
      const out = await new Promise<string>((res, rej) =>
        execFile(
          process.execPath,
          ['--import', 'tsx', 'scripts/demo.ts'],
          { env: { ...process.env, DEMO_DATA_DIR: dir, DEMO_EXIT_AFTER_SEED: '1', PORT: '0', SCHEDULER: 'false' } },
          (err, stdout) => (err ? rej(err) : res(stdout)),
        ),
      );
      expect(out).toMatch(/sysadmin .*TOTP secret [A-Z2-7]+/);
      const db = await openPglite(dir);
      try {
        const count = async (sql: string) => Number((await db.system((q) => q.query<{ n: number }>(sql)))[0]?.n);
        expect(await count('SELECT count(*) AS n FROM students')).toBe(1050);
        expect(await count("SELECT count(*) AS n FROM classes c JOIN school_years y ON y.id = c.year_id WHERE y.status = 'current'")).toBe(
          30,
        );
        expect(await count('SELECT count(*) AS n FROM staff')).toBeGreaterThanOrEqual(85);
        expect(
          await count(
            `SELECT count(DISTINCT r.template_key) AS n FROM user_roles ur JOIN roles r ON r.id = ur.role_id JOIN schools s ON s.id = r.school_id WHERE s.kind = 'school'`,
          ),
        ).toBe(9);
        // The Education Bureau is on the installation with a survey delivered to the school, which has its procedures.
        expect(out).toMatch(/edbofficer .*TOTP secret [A-Z2-7]+/);
        expect(
          await count(
            `SELECT count(*) AS n FROM exchange_deliveries d JOIN schools a ON a.id = d.authority_id WHERE a.authority_code = 'EDB' AND d.state = 'encrypted'`,
          ),
        ).toBe(1);
        expect(
          await count(
            'SELECT count(*) AS n FROM exchange_procedures WHERE owner_id IS NOT NULL AND backup_id IS NOT NULL AND checker_id IS NOT NULL',
          ),
        ).toBe(6);
        expect(await count('SELECT count(DISTINCT year_id) AS n FROM student_classes')).toBe(3);
      } finally {
        await db.close();
      }
    }, 120_000);
  });
}
