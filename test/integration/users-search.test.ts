/**
 * Issue 14 item 10: the users page searches and filters on the server and pages through the
 * result with a total; the sign-in method is listed for everyone. People are made as rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type SetupSchool, type TestServer, setupSchool, startTestServer } from '../helpers/server.js';

let s: TestServer;
let school: SetupSchool;
let admin: Client;
let other: SetupSchool;
const roleIds: Record<string, string> = {};

interface Listed {
  username: string;
  ssoMode: string;
  mfaEnrolled: boolean;
  status: string;
  accountKind: string;
}
const list = async (query: string): Promise<{ users: Listed[]; total: number }> => {
  const r = await admin.get(`/api/admin/users${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { users: Listed[]; total: number };
};
const names = async (query: string) => (await list(query)).users.map((u) => u.username);

beforeAll(async () => {
  s = await startTestServer();
  school = await setupSchool(s);
  other = await setupSchool(s, 2);
  admin = school.client;
  for (const r of (await admin.get('/api/admin/roles')).body.roles as { id: string; key: string }[]) roleIds[r.key] = r.id;
  const people: [string, string, string | null, string][] = [
    ['chantm', 'Chan Tai Man', '陳大文', 'teacher'],
    ['chansy', 'Chan Siu Yin', '陳小燕', 'teacher'],
    ['leekw', 'Lee Ka Wai', '李嘉慧', 'office_staff'],
    ['wongpercent', 'Wong 100% Sure', null, 'office_staff'],
  ];
  for (let n = 1; n <= 30; n++) people.push([`staff${String(n).padStart(2, '0')}`, `Staff Member ${n}`, `職員${n}`, 'teacher']);
  const at = s.clock.now();
  await s.db.systemTx(async (q) => {
    for (const [username, en, zh, role] of people) {
      const [u] = await q.query<{ id: string }>(
        `INSERT INTO users (school_id, username, display_name_en, display_name_zh, password_hash, password_changed_at, created_at)
         VALUES ($1, $2, $3, $4, 'x', $5, $5) RETURNING id`,
        [school.schoolId, username, en, zh, at],
      );
      await q.query('INSERT INTO user_roles (school_id, user_id, role_id, granted_at) VALUES ($1, $2, $3, $4)', [
        school.schoolId,
        u?.id,
        roleIds[role],
        at,
      ]);
    }
    await q.query(`UPDATE users SET status = 'disabled' WHERE username = 'leekw'`);
    await q.query(`UPDATE users SET sso_mode = 'required' WHERE username = 'chantm'`);
    await q.query(`UPDATE users SET sso_mode = 'allowed' WHERE username = 'chansy'`);
    await q.query(`UPDATE users SET account_kind = 'shared' WHERE username = 'staff30'`);
    await q.query(`UPDATE users SET locked_until = $1 WHERE username = 'staff29'`, [new Date(at.getTime() + 3600_000)]);
  });
});
afterAll(() => s?.close());

describe('users page: search, filters and paging on the server', () => {
  it('without a query every account comes, with the total and each one’s sign-in method', async () => {
    const all = await list('');
    expect(all.total).toBe(35);
    expect(all.users).toHaveLength(35);
    const method = (u: string) => all.users.find((x) => x.username === u)?.ssoMode;
    expect([method('chantm'), method('chansy'), method('leekw')]).toEqual(['required', 'allowed', 'local']);
  });

  it('searches Chinese and English names and user names, in part, word by word', async () => {
    expect(await names('?q=陳')).toEqual(['chansy', 'chantm']);
    expect(await names(`?q=${encodeURIComponent('大文')}`)).toEqual(['chantm']);
    expect(await names('?q=chan%20man')).toEqual(['chantm']);
    expect(await names('?q=LEEKW')).toEqual(['leekw']);
    expect(await names('?q=admin1')).toEqual(['admin1']);
    // A wildcard typed is a character searched for, not a pattern.
    expect(await names('?q=%25')).toEqual(['wongpercent']);
    expect(await names('?q=_')).toEqual([]);
    expect(await names('?q=nobody')).toEqual([]);
  });

  it('filters by role, status, two-factor authentication, account kind and sign-in method', async () => {
    expect(await names(`?roleId=${roleIds.office_staff}`)).toEqual(['leekw', 'wongpercent']);
    expect(await names('?status=disabled')).toEqual(['leekw']);
    expect(await names('?status=locked')).toEqual(['staff29']);
    expect((await list('?status=active')).total).toBe(34);
    expect(await names('?mfa=enrolled')).toEqual(['admin1']);
    expect((await list('?mfa=not_enrolled')).total).toBe(34);
    expect(await names('?kind=shared')).toEqual(['staff30']);
    expect(await names('?ssoMode=required')).toEqual(['chantm']);
    expect(await names(`?q=chan&ssoMode=allowed&roleId=${roleIds.teacher}`)).toEqual(['chansy']);
  });

  it('pages with a total, the same order every time', async () => {
    const first = await list('?limit=10&offset=0');
    const second = await list('?limit=10&offset=10');
    const last = await list('?limit=10&offset=30');
    expect([first.total, second.total, last.total]).toEqual([35, 35, 35]);
    expect(first.users).toHaveLength(10);
    expect(last.users).toHaveLength(5);
    const seen = [...first.users, ...second.users].map((u) => u.username);
    expect(new Set(seen).size).toBe(20);
    expect(seen).toEqual([...seen].sort());
    const filtered = await list(`?roleId=${roleIds.teacher}&limit=5&offset=5`);
    expect(filtered.total).toBe(32);
    expect(filtered.users).toHaveLength(5);
    // Past the end: no rows, the total still right.
    expect(await list('?q=staff&limit=10&offset=40')).toEqual({ users: [], total: 30 });
  });

  it('refuses bad input and never shows another school’s people', async () => {
    expect((await admin.get('/api/admin/users?status=gone')).status).toBe(400);
    expect((await admin.get('/api/admin/users?limit=0')).status).toBe(400);
    expect((await admin.get(`/api/admin/users?q=${'x'.repeat(101)}`)).status).toBe(400);
    expect((await admin.get('/api/admin/users?roleId=nope')).status).toBe(400);
    expect(await names('?q=admin2')).toEqual([]);
    expect((await other.client.get('/api/admin/users?q=chan')).body).toEqual({ users: [], total: 0 });
  });
});
