import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { settleJobs } from '../../src/server/modules/jobs/service.js';
import { hkidWithCheck, strnWithCheck } from '../../src/server/modules/school/identity.js';
import { Client, type SetupSchool, type TestServer, createUser, firstSignIn, setupSchool, startTestServer } from '../helpers/server.js';

/**
 * Exports as background jobs (issue 14 item 11): they run to done with progress; only the person who
 * asked sees the job and downloads its file, with the right checked again; the data scope applies; a
 * failure (and a job a restart interrupted) is reported as a code both languages translate.
 */
let s: TestServer;
let school: SetupSchool;
let c: Client;
let clerk: Client;
let clerkId = '';
let teacher: Client;
const N = 450;
const catalogue = (lang: string): { errors: Record<string, string> } =>
  JSON.parse(readFileSync(new URL(`../../src/web/i18n/${lang}.json`, import.meta.url), 'utf8'));
const [en, zh] = [catalogue('en'), catalogue('zh-HK')];
const ids: Record<string, string> = {};

interface Job {
  id: string;
  status: string;
  done: number;
  total: number;
  errorCode: string | null;
  fileName: string | null;
  expiresAt: string | null;
}
const start = async (x: Client, body: Record<string, unknown>, kind = 'students') => x.post(`/api/jobs/${kind}-export`, body);
/** Follow a job to its end; every state seen on the way. */
async function follow(x: Client, id: string): Promise<Job[]> {
  const seen: Job[] = [];
  for (let i = 0; i < 1000; i++) {
    const r = await x.get(`/api/jobs/${id}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    seen.push(r.body);
    if (r.body.status === 'done' || r.body.status === 'failed') return seen;
    await new Promise((ok) => setTimeout(ok, 5));
  }
  throw new Error('job did not end');
}
const file = (x: Client, id: string) => s.app.inject({ method: 'GET', url: `/api/jobs/${id}/file`, headers: { cookie: x.cookie } });

beforeAll(async () => {
  s = await startTestServer();
  school = await setupSchool(s, 1);
  c = school.client;
  const year = (await c.post('/api/school/years', { startYear: 2026 })).body.id;
  ids.t2 = (await c.post('/api/staff', { staffCode: 'T02', nameEn: 'Lam Chi Keung', status: 'serving' })).body.id;
  // 400 students in five classes nobody teaches here, 50 in 5B whose class teacher is T02.
  for (const code of ['5A', '5B', '5C', '5D', '5E', '5F'])
    await c.post('/api/school/classes', {
      yearId: year,
      code,
      level: 'S5',
      nameZh: code,
      nameEn: code,
      teacherIds: code === '5B' ? [ids.t2] : [],
    });
  const rows = ['reg_no,strn,name_zh,name_en,sex,date_of_birth,id_type,id_number,entry_date,class,class_number'];
  for (let n = 1; n <= N; n++)
    rows.push(
      [
        `R${10000 + n}`,
        strnWithCheck('S', String(300000 + n)),
        `陳小明${n}`,
        `Chan Siu Ming ${n}`,
        n % 2 ? 'M' : 'F',
        '2010-05-06',
        'hkid',
        hkidWithCheck('B', String(400000 + n)),
        '2022-09-01',
        n <= 400 ? `5${'ACDEF'[Math.floor((n - 1) / 80)]}` : '5B',
        n <= 400 ? ((n - 1) % 80) + 1 : n - 400,
      ].join(','),
    );
  const imported = await c.post('/api/imports/students/commit', {
    fileName: 'students.csv',
    contentBase64: Buffer.from(rows.join('\n') + '\n').toString('base64'),
  });
  expect(imported.body, JSON.stringify(imported.body).slice(0, 300)).toMatchObject({ committed: true, create: N });
  const o = await createUser(s, c, 'office1', ['office_staff']);
  clerkId = o.id;
  clerk = await firstSignIn(s, 'office1', o.password, '10.1.0.8', school.code);
  const t = await createUser(s, c, 'teacher1', ['teacher']);
  const staff = ((await c.get('/api/staff?q=T02')).body.staff as { version: number }[])[0];
  await c.put(`/api/staff/${ids.t2}`, {
    staffCode: 'T02',
    nameEn: 'Lam Chi Keung',
    status: 'serving',
    userId: t.id,
    version: staff?.version,
  });
  teacher = await firstSignIn(s, 'teacher1', t.password, '10.1.0.9', school.code);
});
afterAll(async () => {
  await settleJobs();
  await s?.close();
});

describe('an export as a background job', () => {
  it('runs to done with progress, and the file is every student, audited as the person who asked', async () => {
    const r = await start(c, { format: 'xlsx', lang: 'zh' });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body).toMatchObject({ status: 'queued', done: 0, errorCode: null, fileName: null });
    const seen = await follow(c, r.body.id);
    const last = seen.at(-1);
    expect(last).toMatchObject({ status: 'done', done: N, total: N, fileName: 'students.xlsx', errorCode: null });
    // Progress only goes forward, and never past the whole.
    const dones = seen.map((j) => j.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(seen.every((j) => j.total === 0 || j.done <= j.total)).toBe(true);
    const f = await file(c, r.body.id);
    expect(f.statusCode).toBe(200);
    expect(f.headers['content-disposition']).toContain('students.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(f.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0]?.rowCount).toBe(N + 1);
    expect(String(wb.worksheets[0]?.getRow(2).getCell(5).value)).toBe('陳小明1');
    const [a] = await s.db.system((q) =>
      q.query<{ actor_name: string; details: { rows: number; format: string } }>(
        `SELECT actor_name, details FROM audit_log WHERE action = 'school.exported' ORDER BY seq DESC LIMIT 1`,
      ),
    );
    expect(a).toMatchObject({ actor_name: 'admin1', details: { rows: N, format: 'xlsx' } });
  });

  it('is started once when asked twice at once; another format is another job', async () => {
    const [x, y] = await Promise.all([start(c, { format: 'csv', lang: 'en' }), start(c, { format: 'csv', lang: 'en' })]);
    expect(x.status).toBe(202);
    expect(y.body.id).toBe(x.body.id);
    const other = await start(c, { format: 'xlsx', lang: 'en' });
    expect(other.body.id).not.toBe(x.body.id);
    await follow(c, x.body.id);
    await follow(c, other.body.id);
    const n = await s.db.system((q) =>
      q.query<{ n: number }>(`SELECT count(*)::int AS n FROM background_jobs WHERE params->>'format' = 'csv'`),
    );
    expect(n[0]?.n).toBe(1);
  });

  it('belongs to the person who asked: another person with the same right neither sees nor downloads it', async () => {
    const r = await start(c, { format: 'csv' });
    await follow(c, r.body.id);
    expect((await clerk.get(`/api/jobs/${r.body.id}`)).status).toBe(404);
    const theirs = await file(clerk, r.body.id);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body).not.toContain('R10001');
    expect((await file(c, r.body.id)).statusCode).toBe(200);
  });

  it('re-checks the right before the file leaves: someone who lost it since gets no file', async () => {
    const r = await start(clerk, { format: 'csv' });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect((await follow(clerk, r.body.id)).at(-1)?.status).toBe('done');
    expect((await c.put(`/api/admin/users/${clerkId}/roles`, { roleIds: [] })).status).toBe(204);
    const f = await file(clerk, r.body.id);
    expect(f.statusCode).toBe(403);
    expect(f.body).not.toContain('R10001');
  });

  it('a teacher limited to their own classes exports only their classes', async () => {
    const r = await start(teacher, { format: 'csv' });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect((await follow(teacher, r.body.id)).at(-1)).toMatchObject({ status: 'done', total: N - 400 });
    const body = (await file(teacher, r.body.id)).body;
    expect(body).toContain('R10401');
    expect(body).not.toContain('R10001,');
    expect(body.trim().split('\n')).toHaveLength(N - 400 + 1);
  });

  it('reports a failure as a code both languages translate, and can be started again', async () => {
    // The work itself fails (the application cannot read guardians): failed, 'internal', nothing kept.
    await s.db.system((q) => q.query('REVOKE SELECT ON student_guardians FROM sams_app'));
    try {
      const r = await start(c, { format: 'xlsx', lang: 'en', classId: undefined });
      const last = (await follow(c, r.body.id)).at(-1);
      expect(last).toMatchObject({ status: 'failed', errorCode: 'internal', fileName: null });
      expect((await file(c, r.body.id)).json()).toMatchObject({ code: 'job_not_ready' });
    } finally {
      await s.db.system((q) => q.query('GRANT SELECT ON student_guardians TO sams_app'));
    }
    // A job that a restart interrupted stops moving: after two minutes it is failed, and starting again makes a new one.
    const [stuck] = await s.db.system((q) =>
      q.query<{ id: string }>(
        `INSERT INTO background_jobs (school_id, requested_by, kind, params, params_hash, status, created_at, heartbeat_at, started_at)
         VALUES ($1, $2, 'students_export', '{"format":"csv"}', 'stuck', 'running', $3, $3, $3) RETURNING id`,
        [school.schoolId, school.adminId, new Date(s.clock.now().getTime() - 3 * 60_000)],
      ),
    );
    const failed = await c.get(`/api/jobs/${stuck?.id}`);
    expect(failed.body).toMatchObject({ status: 'failed', errorCode: 'job_interrupted' });
    for (const code of ['internal', 'job_interrupted', 'job_not_ready', 'job_expired'] as const) {
      expect(en.errors[code], code).toBeTruthy();
      expect(zh.errors[code], code).toBeTruthy();
      expect(zh.errors[code]).not.toBe(en.errors[code]);
    }
    const again = await start(c, { format: 'csv' });
    expect((await follow(c, again.body.id)).at(-1)?.status).toBe('done');
  });

  it('keeps the file for ten minutes only', async () => {
    const r = await start(c, { format: 'csv', lang: 'zh' });
    const done = (await follow(c, r.body.id)).at(-1);
    expect(new Date(done?.expiresAt ?? 0).getTime() - s.clock.now().getTime()).toBe(10 * 60_000);
    s.clock.advance(11 * 60_000);
    expect((await c.get(`/api/jobs/${r.body.id}`)).body).toMatchObject({ status: 'done', fileName: null, expiresAt: null });
    const gone = await file(c, r.body.id);
    expect(gone.statusCode).toBe(410);
    expect(gone.json()).toMatchObject({ code: 'job_expired' });
    // Starting another job drops the expired files from the database.
    await follow(c, (await start(c, { format: 'xlsx', lang: 'zh' })).body.id);
    const [kept] = await s.db.system((q) =>
      q.query<{ result: Buffer | null }>('SELECT result FROM background_jobs WHERE id = $1', [r.body.id]),
    );
    expect(kept?.result).toBeNull();
  });
});
