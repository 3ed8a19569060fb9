import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SetupSchool, type TestServer, createUser, setupSchool, startTestServer } from '../helpers/server.js';

const EXCHANGE_TABLES = [
  'exchange_deliveries',
  'exchange_tasks',
  'exchange_procedures',
  'exchange_returns',
  'exchange_events',
  'exchange_packages',
  'calendar_feeds',
];
const SCHOOL_TABLES = [
  'users',
  'recovery_codes',
  'auth_failures',
  'sessions',
  'roles',
  'role_permissions',
  'user_roles',
  'audit_heads',
  'audit_log',
  'notifications',
  'mail_outbox',
  ...EXCHANGE_TABLES,
];

let s: TestServer;
let a: SetupSchool;
let b: SetupSchool;
const bIds: Record<string, string> = {};
beforeAll(async () => {
  s = await startTestServer();
  a = await setupSchool(s, 1);
  b = await setupSchool(s, 2);
  const bUser = await createUser(s, b.client, 'bteacher1', ['teacher']);
  bIds.user = bUser.id;
  bIds.admin = b.adminId;
  bIds.session = ((await b.client.get('/api/admin/sessions')).body.sessions as { id: string }[])[0]?.id ?? '';
  bIds.role = ((await b.client.get('/api/admin/roles')).body.roles as { id: string }[])[0]?.id ?? '';
  const [n] = await s.db.system((q) =>
    q.query<{ id: string }>(
      `INSERT INTO notifications (school_id, user_id, kind, title_key, created_at) VALUES ($1, $2, 'test', 'notifications.generic', now()) RETURNING id`,
      [b.schoolId, b.adminId],
    ),
  );
  bIds.notification = n?.id ?? '';
  // School B's data exchange: a survey from the Education Bureau, unlocked, with a draft return and a calendar feed.
  const edb = await setupSchool(s, 3, 'EDB');
  await b.client.put('/api/exchange/procedures/headcount', {
    ownerId: b.adminId,
    backupId: null,
    checkerId: null,
    leadDays: 3,
    notes: null,
  });
  const pub = await edb.client.post('/api/authority/messages', {
    category: 'headcount',
    subjectCode: 'SHC',
    typeCode: 'SURVEY',
    titleZh: '學生人數',
    titleEn: 'Headcount for school B',
    bodyZh: '請提交',
    bodyEn: 'Secret body for B',
    deadline: new Date(s.clock.now().getTime() + 10 * 86_400_000).toISOString(),
    audience: { levels: [], schoolIds: [b.schoolId] },
    template: { kind: 'manual', columns: ['a'], rules: [] },
  });
  expect(pub.status).toBe(201);
  bIds.message = pub.body.id;
  expect((await b.client.post('/api/exchange/unlock', { words: b.words })).body.imported).toBe(1);
  bIds.delivery = (await b.client.get('/api/exchange/inbox')).body.items[0].id;
  bIds.return = (await b.client.post(`/api/exchange/inbox/${bIds.delivery}/returns`, {})).body.id;
  await b.client.post('/api/exchange/calendar-feed', {});
});
afterAll(() => s?.close());

describe('tenant isolation', () => {
  it('school A’s administrator cannot read or change anything of school B through any route', async () => {
    const bRows = async () =>
      s.db.system(async (q) => {
        const out: Record<string, unknown> = {};
        for (const t of [
          'users',
          'roles',
          'role_permissions',
          'user_roles',
          'notifications',
          'sessions',
          'recovery_codes',
          'mail_outbox',
          'audit_log',
          ...EXCHANGE_TABLES,
        ]) {
          out[t] = await q.query(
            `SELECT count(*) AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${t} t WHERE school_id = $1`,
            [b.schoolId],
          );
        }
        out.school = await q.query('SELECT * FROM schools WHERE id = $1', [b.schoolId]);
        return out;
      });
    const before = await bRows();
    const bMarkers = [
      b.schoolId,
      b.adminId,
      bIds.user,
      bIds.session,
      bIds.role,
      'admin2',
      'bteacher1',
      'Test School 2',
      'Headcount for school B',
      'Secret body for B',
    ];
    const routes = s.routes.filter(
      (r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs') && !r.public && r.url !== '/api/auth/logout',
    );
    for (const r of routes) {
      const ids = /:(id|itemId|userId)\b/.test(r.url) ? Object.values(bIds) : ['-'];
      for (const id of ids) {
        const url = r.url.replace(/:(id|itemId|userId)\b/g, id);
        const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : bodyFor(r.url);
        const res = await a.client.req(r.method, url, body);
        const text = JSON.stringify(res.body);
        for (const m of bMarkers) expect(text, `${r.method} ${url}`).not.toContain(m);
        if (/:(id|itemId|userId)\b/.test(r.url)) expect([400, 403, 404, 409], `${r.method} ${url} → ${res.status}`).toContain(res.status);
      }
    }
    expect(await bRows()).toEqual(before);
  });

  it('B’s person still works after everything A tried', async () => {
    expect((await b.client.get('/api/auth/me')).status).toBe(200);
  });

  it('a direct SQL query as the application role sees no rows of school B', async () => {
    await s.db.school(a.schoolId, async (q) => {
      for (const t of SCHOOL_TABLES) {
        const [r] = await q.query<{ n: number; mine: number }>(
          `SELECT count(*) FILTER (WHERE school_id = $1) AS n, count(*) FILTER (WHERE school_id = $2) AS mine FROM ${t}`,
          [b.schoolId, a.schoolId],
        );
        expect(r?.n, t).toBe(0);
      }
      const schools = await q.query<{ id: string }>('SELECT id FROM schools');
      expect(schools.map((x) => x.id)).toEqual([a.schoolId]);
      // Writing a row for B is refused by the policy, not just filtered.
      await expect(
        q.query(`INSERT INTO notifications (school_id, user_id, kind, title_key, created_at) VALUES ($1, $2, 'x', 'x', now())`, [
          b.schoolId,
          b.adminId,
        ]),
      ).rejects.toThrow(/row-level security/);
    });
  });

  it('the application role cannot touch platform tables at all', async () => {
    await s.db.school(a.schoolId, async (q) => {
      await expect(q.query('SELECT * FROM setup_tokens')).rejects.toThrow(/permission denied/);
    });
  });
});

function bodyFor(url: string): Record<string, unknown> {
  // Valid bodies for the exchange routes, so the refusal comes from the data being B's, not from the input.
  if (url.endsWith('/assign')) return { ownerId: a.adminId, backupId: null, checkerId: null };
  if (url.endsWith('/approve')) return { words: a.words, version: 1 };
  if (url.endsWith('/rows')) return { files: [], version: 1 };
  if (url.endsWith('/reject')) return { reason: 'cross-school attempt' };
  if (url.endsWith('/open') || url === '/api/exchange/unlock') return { words: a.words };
  if (url.endsWith('/roles')) return { roleIds: [] };
  if (url.endsWith('/reset-password')) return { newPassword: 'a takeover passphrase 1' };
  if (url.endsWith('/locale')) return { locale: 'en' };
  if (url.endsWith('/settings')) return { privilegedLimit: 3 };
  if (url.endsWith('/password')) return { currentPassword: 'wrong wrong wrong', newPassword: 'another passphrase 99' };
  if (url.endsWith('/mfa') || url.endsWith('/confirm') || url.endsWith('/recovery-codes')) return { code: '000000' };
  if (url === '/api/admin/users')
    return { username: 'crossschool', displayNameEn: 'Cross School', password: 'cross school passphrase', roleIds: [bRoleGuess] };
  return {};
}
let bRoleGuess = '00000000-0000-0000-0000-000000000000';
beforeAll(() => {
  bRoleGuess = bIds.role ?? bRoleGuess;
});
