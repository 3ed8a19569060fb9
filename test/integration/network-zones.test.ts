import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type SetupSchool, type TestServer, createUser, setupSchool, signInAgain, startTestServer } from '../helpers/server.js';

let s: TestServer;
let admin: SetupSchool;
let c: Client;
const ids: Record<string, string> = {};
let teacherPassword = '';

beforeAll(async () => {
  // Behind a reverse proxy: addresses come from X-Forwarded-For.
  s = await startTestServer({ TRUST_PROXY: 'true' });
  s.clock.set(new Date('2026-11-02T02:00:00Z')); // Monday 10:00 in Hong Kong
  admin = await setupSchool(s); // the administrator signs in from 10.0.1.1
  c = admin.client;
  const roles = (await c.get('/api/admin/roles')).body.roles as { id: string; key: string }[];
  ids.sysadmin = roles.find((r) => r.key === 'system_admin')?.id ?? '';
  ids.teacher = roles.find((r) => r.key === 'teacher')?.id ?? '';
  const t = await createUser(s, c, 'teacher01', ['teacher']);
  teacherPassword = 'teacher one passphrase';
  const x = new Client(s, '10.0.9.9');
  await x.post('/api/auth/login', { username: 'teacher01', password: t.password });
  await x.refreshCsrf();
  await x.post('/api/account/password', { currentPassword: t.password, newPassword: teacherPassword });
});
afterAll(() => s?.close());

describe('network zones and time profiles', () => {
  it('refuses CIDRs that do not parse, overlapping zones and time profiles ending before they start', async () => {
    expect((await c.post('/api/admin/network/zones', { nameZh: '壞', nameEn: 'Bad', cidrs: ['10.0.0.0/33'] })).body.code).toBe(
      'cidr_invalid',
    );
    ids.school = (
      await c.post('/api/admin/network/zones', { nameZh: '校園網絡', nameEn: 'School network', cidrs: ['10.0.0.0/8'] })
    ).body.id;
    ids.ited = (
      await c.post('/api/admin/network/zones', { nameZh: '資訊科技教育網絡', nameEn: 'IT in Education network', cidrs: ['172.16.0.0/12'] })
    ).body.id;
    expect((await c.post('/api/admin/network/zones', { nameZh: '重疊', nameEn: 'Overlap', cidrs: ['10.1.0.0/16'] })).body.code).toBe(
      'zones_overlap',
    );
    expect(
      (await c.post('/api/admin/network/profiles', { nameZh: '錯', nameEn: 'Backwards', weekdays: [1], startMinute: 600, endMinute: 500 }))
        .body.code,
    ).toBe('time_profile_invalid');
    ids.days = (
      await c.post('/api/admin/network/profiles', {
        nameZh: '上課日',
        nameEn: 'School days',
        weekdays: [1, 2, 3, 4, 5],
        startMinute: 7 * 60,
        endMinute: 19 * 60,
      })
    ).body.id;
  });

  it('will not let the administrator lock themselves out', async () => {
    await c.put('/api/admin/network/rules', { rules: [{ roleId: ids.teacher, zoneId: ids.school, timeProfileId: null }] });
    expect((await c.put('/api/admin/network/settings', { enabled: true })).body.code).toBe('network_self_lockout');
    const rules = [
      { roleId: ids.sysadmin, zoneId: ids.school, timeProfileId: null },
      { roleId: ids.teacher, zoneId: ids.school, timeProfileId: null },
      { roleId: ids.teacher, zoneId: ids.ited, timeProfileId: null },
      { roleId: ids.teacher, zoneId: null, timeProfileId: ids.days },
    ];
    expect((await c.put('/api/admin/network/rules', { rules })).status).toBe(204);
    expect((await c.put('/api/admin/network/settings', { enabled: true })).status).toBe(204);
  });

  it('refuses a sign-in from the Internet outside school hours, saying which rule, through a trusted proxy', async () => {
    const fromHome = new Client(s, '127.0.0.1');
    const ok = await fromHome.req(
      'POST',
      '/api/auth/login',
      { username: 'teacher01', password: teacherPassword },
      { 'x-forwarded-for': '203.0.113.7' },
    );
    expect(ok.status).toBe(200); // Monday 10:00: within the profile
    s.clock.set(new Date('2026-11-02T14:00:00Z')); // Monday 22:00
    const night = await new Client(s, '127.0.0.1').req(
      'POST',
      '/api/auth/login',
      { username: 'teacher01', password: teacherPassword },
      { 'x-forwarded-for': '203.0.113.7' },
    );
    expect(night.status).toBe(403);
    expect(night.body).toMatchObject({ code: 'network_refused', rule: 'outside_hours' });
    expect(JSON.stringify(night.body)).not.toMatch(/203\.0|10\.0\.0\.0|School network/);
    const inSchool = await new Client(s, '10.3.3.3').post('/api/auth/login', { username: 'teacher01', password: teacherPassword });
    expect(inSchool.status).toBe(200);
  });

  it('re-checks a session that moves zone, ends it when refused, and tells the people who manage the rules', async () => {
    const x = new Client(s, '10.4.4.4');
    await x.post('/api/auth/login', { username: 'teacher01', password: teacherPassword });
    await x.refreshCsrf();
    expect((await x.get('/api/students')).status).toBe(200);
    x.ip = '198.51.100.9'; // same cookie, now from the Internet at 22:00
    const moved = await x.get('/api/auth/me');
    expect(moved.body).toMatchObject({ code: 'network_refused', rule: 'outside_hours' });
    x.ip = '10.4.4.4';
    expect((await x.get('/api/auth/me')).status).toBe(401); // the session was ended
    s.clock.advance(60_000);
    await signInAgain(s, admin); // 12 hours later: the administrator signs in again (from the school network)
    const audit = (await c.get('/api/audit?action=auth.network_refused')).body.entries;
    expect(audit.length).toBe(2);
    const notes = (await c.get('/api/notifications')).body.notifications;
    expect(notes.some((n: { titleKey: string }) => n.titleKey === 'notifications.networkRefused')).toBe(true);
  });

  it('a profile closed on school holidays refuses the Internet on those days only', async () => {
    const closed = (
      await c.post('/api/admin/network/profiles', {
        nameZh: '上課日（假期除外）',
        nameEn: 'School days except holidays',
        weekdays: [1, 2, 3, 4, 5],
        startMinute: 0,
        endMinute: 1440,
        onHolidays: 'closed',
      })
    ).body.id;
    const net = (await c.get('/api/admin/network')).body;
    const rules = [
      ...net.rules.filter((r: { roleId: string }) => r.roleId !== ids.teacher),
      { roleId: ids.teacher, zoneId: null, timeProfileId: closed },
    ];
    expect((await c.put('/api/admin/network/rules', { rules })).status).toBe(204);
    const today = new Date(s.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const tryHome = async () =>
      (
        await new Client(s, '127.0.0.1').req(
          'POST',
          '/api/auth/login',
          { username: 'teacher01', password: teacherPassword },
          { 'x-forwarded-for': '203.0.113.8' },
        )
      ).status;
    expect(await tryHome()).toBe(200);
    expect(
      (await c.put('/api/admin/network/holidays', { holidays: [{ day: today, nameZh: '學校假期', nameEn: 'School holiday' }] })).status,
    ).toBe(204);
    expect(await tryHome()).toBe(403);
  });

  it('memo.U2.network-policy needs a review within 12 months', async () => {
    const status = async () =>
      ((await c.get('/api/dashboard')).body.checks as { key: string; status: string }[]).find((x) => x.key === 'memo.U2.network-policy')
        ?.status;
    expect(await status()).toBe('attention');
    expect((await c.post('/api/admin/network/reviewed')).status).toBe(204);
    expect(await status()).toBe('ok');
  });
});
