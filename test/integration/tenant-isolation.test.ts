import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SetupSchool, type TestServer, createUser, setupSchool, startTestServer } from '../helpers/server.js';

const SCHOOL_TABLES = ['users', 'recovery_codes', 'auth_failures', 'sessions', 'roles', 'role_permissions', 'user_roles', 'audit_heads', 'audit_log', 'notifications', 'mail_outbox'];

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
});
afterAll(() => s?.close());

describe('tenant isolation', () => {
  it('school A’s administrator cannot read or change anything of school B through any route', async () => {
    const bRows = async () =>
      s.db.system(async (q) => {
        const out: Record<string, unknown> = {};
        for (const t of ['users', 'roles', 'role_permissions', 'user_roles', 'notifications', 'sessions', 'recovery_codes', 'mail_outbox', 'audit_log']) {
          out[t] = await q.query(`SELECT count(*) AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${t} t WHERE school_id = $1`, [b.schoolId]);
        }
        out.school = await q.query('SELECT * FROM schools WHERE id = $1', [b.schoolId]);
        return out;
      });
    const before = await bRows();
    const bMarkers = [b.schoolId, b.adminId, bIds.user, bIds.session, bIds.role, 'admin2', 'bteacher1', 'Test School 2'];
    const routes = s.routes.filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs') && !r.public && r.url !== '/api/auth/logout');
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
        const [r] = await q.query<{ n: number; mine: number }>(`SELECT count(*) FILTER (WHERE school_id = $1) AS n, count(*) FILTER (WHERE school_id = $2) AS mine FROM ${t}`, [
          b.schoolId,
          a.schoolId,
        ]);
        expect(r?.n, t).toBe(0);
      }
      const schools = await q.query<{ id: string }>('SELECT id FROM schools');
      expect(schools.map((x) => x.id)).toEqual([a.schoolId]);
      // Writing a row for B is refused by the policy, not just filtered.
      await expect(
        q.query(`INSERT INTO notifications (school_id, user_id, kind, title_key, created_at) VALUES ($1, $2, 'x', 'x', now())`, [b.schoolId, b.adminId]),
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
  if (url.endsWith('/roles')) return { roleIds: [] };
  if (url.endsWith('/reset-password')) return { newPassword: 'a takeover passphrase 1' };
  if (url.endsWith('/locale')) return { locale: 'en' };
  if (url.endsWith('/settings')) return { privilegedLimit: 3 };
  if (url.endsWith('/password')) return { currentPassword: 'wrong wrong wrong', newPassword: 'another passphrase 99' };
  if (url.endsWith('/mfa') || url.endsWith('/confirm') || url.endsWith('/recovery-codes')) return { code: '000000' };
  if (url === '/api/admin/users') return { username: 'crossschool', displayNameEn: 'Cross School', password: 'cross school passphrase', roleIds: [bRoleGuess] };
  return {};
}
let bRoleGuess = '00000000-0000-0000-0000-000000000000';
beforeAll(() => {
  bRoleGuess = bIds.role ?? bRoleGuess;
});
