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
let principal: Client;
const ids: Record<string, string> = {};
const day = (n: number) => new Date(s.clock.now().getTime() + 8 * 3600_000 + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  s = await startTestServer();
  admin = await setupSchool(s);
  c = admin.client;
  const p = await createUser(s, c, 'principal1', ['principal']);
  principal = new Client(s, '10.7.7.7');
  await principal.post('/api/auth/login', { username: 'principal1', password: p.password });
  await principal.refreshCsrf();
  await principal.post('/api/account/password', { currentPassword: p.password, newPassword: 'principal one passphrase' });
  await principal.refreshCsrf();
  const start = await principal.post('/api/account/mfa/enrol/start');
  await principal.post('/api/account/mfa/enrol/confirm', { code: await totpNow(s, start.body.secret) });
  await principal.refreshCsrf();
  ids.leaver = (await createUser(s, c, 'leaving01', ['teacher'])).id;
  ids.successor = (await createUser(s, c, 'newteach1', [])).id;
  const year = (await c.post('/api/school/years', { startYear: 2026 })).body.id;
  const t1 = (await c.post('/api/staff', { staffCode: 'T01', nameEn: 'Leaving Teacher', status: 'serving', leaveDate: day(30) })).body.id;
  const t2 = (await c.post('/api/staff', { staffCode: 'T02', nameEn: 'New Teacher', status: 'serving' })).body.id;
  await c.put(`/api/staff/${t1}`, {
    staffCode: 'T01',
    nameEn: 'Leaving Teacher',
    status: 'serving',
    leaveDate: day(30),
    userId: ids.leaver,
    version: 1,
  });
  await c.put(`/api/staff/${t2}`, { staffCode: 'T02', nameEn: 'New Teacher', status: 'serving', userId: ids.successor, version: 1 });
  ids.class = (
    await c.post('/api/school/classes', { yearId: year, code: '1A', level: 'S1', nameZh: '一甲', nameEn: 'One A', teacherIds: [t1] })
  ).body.id;
  await c.put('/api/admin/notification-list', { entries: [{ userId: ids.leaver, events: ['account_locked'] }] });
});
afterAll(() => s?.close());

const check = async () =>
  ((await c.get('/api/dashboard')).body.checks as { key: string; status: string; evidence: string[] }[]).find(
    (x) => x.key === 'memo.U3.handover',
  );

describe('handover', () => {
  let plan = '';
  it('someone leaving within 60 days without an approved plan needs attention', async () => {
    expect(await check()).toMatchObject({ status: 'attention', evidence: [`leaving01 ${day(30)}`] });
  });

  it('a plan lists every holding from every module', async () => {
    plan = (await c.post('/api/handover/plans', { userId: ids.leaver, reason: 'leaving', effectiveOn: day(30) })).body.id;
    const p = (await c.get(`/api/handover/plans/${plan}`)).body;
    expect(p.items.map((i: { kind: string }) => i.kind).sort()).toEqual(['class_teacher', 'notification_list', 'role']);
    expect(p.disableAccount).toBe(true);
  });

  it('cannot be approved incomplete, nor by the person who drew it up', async () => {
    expect((await principal.post(`/api/handover/plans/${plan}/approve`)).body.code).toBe('handover_incomplete');
    const p = (await c.get(`/api/handover/plans/${plan}`)).body;
    for (const i of p.items)
      expect((await c.put(`/api/handover/plans/${plan}/items/${i.id}`, { successorId: ids.successor })).status).toBe(204);
    expect((await c.post(`/api/handover/plans/${plan}/approve`)).status).toBe(403);
    expect((await principal.post(`/api/handover/plans/${plan}/approve`)).status).toBe(204);
    expect((await check())?.status).toBe('ok');
  });

  it('on the day, the scheduler moves every holding, disables the account and ends its sessions, once', async () => {
    const leaver = new Client(s, '10.8.8.8');
    await leaver.post('/api/auth/login', { username: 'leaving01', password: 'initial password for 9x' });
    s.clock.advance(30 * 86_400_000);
    await s.scheduler.tick(true);
    await s.scheduler.tick(true);
    await signInAgain(s, admin);
    const users = (await c.get('/api/admin/users')).body.users as { username: string; status: string; roleIds: string[] }[];
    expect(users.find((u) => u.username === 'leaving01')).toMatchObject({ status: 'disabled', roleIds: [] });
    expect(users.find((u) => u.username === 'newteach1')?.roleIds).toHaveLength(1);
    const classes = (await c.get('/api/school/classes')).body.classes as { code: string; teacherIds: string[] }[];
    const staff = (await c.get('/api/staff?q=T02')).body.staff[0];
    expect(classes.find((x) => x.code === '1A')?.teacherIds).toEqual([staff.id]);
    expect((await c.get('/api/admin/notification-list')).body.entries[0].username).toBe('newteach1');
    expect((await leaver.get('/api/auth/me')).status).toBe(401);
    expect(
      (await new Client(s, '10.8.8.9').post('/api/auth/login', { username: 'leaving01', password: 'initial password for 9x' })).status,
    ).toBe(403);
    expect((await c.get('/api/audit?action=handover.applied')).body.entries).toHaveLength(1);
  });
});
