import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  type SetupSchool,
  type TestServer,
  createUser,
  setupSchool,
  signInAgain,
  startTestServer,
  totpNow,
} from '../helpers/server.js';

let s: TestServer;
let admin: SetupSchool;
let c: Client;
let roles: { id: string; key: string | null; nameEn: string }[];
const role = (key: string) => roles.find((r) => r.key === key)?.id as string;

beforeAll(async () => {
  s = await startTestServer();
  admin = await setupSchool(s);
  c = admin.client;
  roles = (await c.get('/api/admin/roles')).body.roles;
});
afterAll(() => s?.close());

const signInAgainAdmin = () => signInAgain(s, admin);

async function signedIn(username: string, password: string, ip: string) {
  const x = new Client(s, ip);
  await x.post('/api/auth/login', { username, password });
  await x.refreshCsrf();
  return x;
}

describe('role editor', () => {
  it('creates a role from a grid of grants, copies it without members, and lists who can do what', async () => {
    const id = (
      await c.post('/api/admin/roles', {
        nameZh: '活動統籌',
        nameEn: 'Activities Coordinator',
        grants: [{ key: 'classes.read' }, { key: 'students.read', scope: 'own_classes' }],
      })
    ).body.id;
    const u = await createUser(s, c, 'actcoord', []);
    expect((await c.post(`/api/admin/roles/${id}/members`, { userId: u.id })).status).toBe(204);
    const copy = (await c.post(`/api/admin/roles/${id}/copy`, { nameZh: '活動統籌（副本）', nameEn: 'Activities Coordinator copy' })).body
      .id;
    const detail = (await c.get(`/api/admin/roles/${copy}`)).body;
    expect(detail.grants).toEqual([
      { key: 'classes.read', scope: 'school' },
      { key: 'students.read', scope: 'own_classes' },
    ]);
    expect(detail.members).toEqual([]);
    const who = (await c.get('/api/admin/access?permission=students.read')).body.rows;
    expect(who.find((r: { username: string }) => r.username === 'actcoord')).toMatchObject({
      scope: 'own_classes',
      roles: ['Activities Coordinator'],
    });
    const csv = await s.app.inject({ method: 'GET', url: `/api/admin/access?userId=${u.id}&format=csv`, headers: { cookie: c.cookie } });
    expect(csv.body).toContain('classes.read,school,actcoord');
  });

  it('refuses unknown permissions and own-classes scope on permissions that have none', async () => {
    expect((await c.post('/api/admin/roles', { nameZh: '甲', nameEn: 'Bad One', grants: [{ key: 'audit.delete' }] })).body.code).toBe(
      'validation_failed',
    );
    expect(
      (await c.post('/api/admin/roles', { nameZh: '乙', nameEn: 'Bad Two', grants: [{ key: 'audit.read', scope: 'own_classes' }] })).body
        .code,
    ).toBe('validation_failed');
  });

  it('nobody grants what they do not hold: not by making a role, editing one, or giving one', async () => {
    // A coordinator who may assign roles and manage them, but holds only a few rights.
    const limited = (
      await c.post('/api/admin/roles', {
        nameZh: '丙',
        nameEn: 'Limited Admin',
        grants: [{ key: 'roles.read' }, { key: 'roles.manage' }, { key: 'roles.assign' }, { key: 'classes.read' }],
      })
    ).body.id;
    const u = await createUser(s, c, 'limited1', []);
    await c.post(`/api/admin/roles/${limited}/members`, { userId: u.id });
    const x = await signedIn('limited1', u.password, '10.6.0.1');
    await x.post('/api/account/password', { currentPassword: u.password, newPassword: 'limited admin passphrase' });
    await x.refreshCsrf();
    const start = await x.post('/api/account/mfa/enrol/start');
    await x.post('/api/account/mfa/enrol/confirm', { code: await totpNow(s, start.body.secret) });
    await x.refreshCsrf();
    expect((await x.post('/api/admin/roles', { nameZh: '丁', nameEn: 'Escalation', grants: [{ key: 'audit.read' }] })).body.code).toBe(
      'grant_not_held',
    );
    expect(
      (
        await x.put(`/api/admin/roles/${limited}`, {
          nameZh: '丙',
          nameEn: 'Limited Admin',
          grants: [{ key: 'roles.read' }, { key: 'roles.manage' }, { key: 'roles.assign' }, { key: 'classes.read' }, { key: 'audit.read' }],
        })
      ).body.code,
    ).toBe('grant_not_held');
    expect((await x.post(`/api/admin/roles/${role('system_admin')}/members`, { userId: u.id })).body.code).toBe('grant_not_held');
    // What it holds, it may give.
    const other = await createUser(s, c, 'someone2', []);
    const own = (await x.post('/api/admin/roles', { nameZh: '戊', nameEn: 'Class Reader', grants: [{ key: 'classes.read' }] })).body.id;
    expect((await x.post(`/api/admin/roles/${own}/members`, { userId: other.id })).status).toBe(204);
    void x;
  });

  it('the last system administrator cannot be removed, and a template role cannot be deleted', async () => {
    const r = await c.del(`/api/admin/roles/${role('system_admin')}/members/${admin.adminId}`);
    expect(r.body.code).toBe('last_admin');
    expect((await c.del(`/api/admin/roles/${role('teacher')}`)).body.code).toBe('conflict');
    // Another administrator can go; the notice says the rights were removed, not given.
    const second = await createUser(s, c, 'sysadmin2', ['system_admin']);
    expect((await c.del(`/api/admin/roles/${role('system_admin')}/members/${second.id}`)).status).toBe(204);
    const notes = ((await c.get('/api/notifications')).body.notifications as { titleKey: string; params: { username?: string } }[]).filter(
      (n) => n.params.username === 'sysadmin2',
    );
    expect(notes.map((n) => n.titleKey).sort()).toEqual(['notifications.privilegedGranted', 'notifications.privilegedRemoved']);
  });

  it('assignments with dates start and lapse on their days (scheduler, moved clock), with a new session id each time', async () => {
    // 23:50 in Hong Kong; the assignment starts tomorrow and ends the day after.
    const hk = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
    const today = hk(s.clock.now().getTime());
    s.clock.set(new Date(`${today}T15:50:00Z`));
    const day = (n: number) => hk(new Date(`${today}T00:00:00Z`).getTime() + n * 86_400_000);
    await signInAgainAdmin();
    const u = await createUser(s, c, 'vpfuture', []);
    const x = await signedIn('vpfuture', u.password, '10.6.0.2');
    await x.post('/api/account/password', { currentPassword: u.password, newPassword: 'future vice principal phrase' });
    await x.refreshCsrf();
    expect((await x.get('/api/dashboard')).status).toBe(403);
    // A role with no security right, so the person needs no MFA step to use it.
    const reader = (
      await c.post('/api/admin/roles', { nameZh: '儀表板查閱', nameEn: 'Dashboard Reader', grants: [{ key: 'governance.dashboard.read' }] })
    ).body.id;
    expect((await c.post(`/api/admin/roles/${reader}/members`, { userId: u.id, startsOn: day(1), endsOn: day(1) })).status).toBe(204);
    expect((await c.get(`/api/admin/roles/${reader}`)).body.members).toEqual([
      expect.objectContaining({ username: 'vpfuture', planned: true, startsOn: day(1) }),
    ]);
    await s.scheduler.tick(true);
    expect((await x.get('/api/dashboard')).status).toBe(403);
    s.clock.advance(20 * 60_000); // 00:10 the next day
    await s.scheduler.tick(true);
    await s.scheduler.tick(true); // idempotent
    const before = x.cookie;
    expect((await x.get('/api/dashboard')).status).toBe(200);
    expect(x.cookie).not.toBe(before);
    s.clock.advance(24 * 3600_000); // the day after: lapsed
    await s.scheduler.tick(true);
    const again = await signedIn('vpfuture', 'future vice principal phrase', '10.6.0.3');
    expect((await again.get('/api/dashboard')).status).toBe(403);
    const audit = (await (await signInAgainAdmin(), c).get('/api/audit?action=roles.member_lapsed')).body.entries;
    expect(audit).toHaveLength(1);
  });
});
