import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  type SetupSchool,
  type TestServer,
  createUser,
  firstSignIn,
  setupSchool,
  signInAgain,
  startTestServer,
  totpNow,
} from '../helpers/server.js';

let s: TestServer;
let admin: SetupSchool;
beforeAll(async () => {
  s = await startTestServer({ LOGIN_RATE_PER_MINUTE: '30' });
  admin = await setupSchool(s);
});
afterAll(() => s?.close());

async function signIn(username: string, password: string, ip: string) {
  const c = new Client(s, ip);
  const r = await c.post('/api/auth/login', { username, password });
  await c.refreshCsrf();
  return { c, r };
}

describe('lockout', () => {
  const WRONG = 'wrong password number';
  /** Everything a sign-in answer tells: status, headers a client could read a difference from, body. */
  const answer = (r: { status: number; body: unknown; headers: Record<string, unknown> }) => ({
    status: r.status,
    retryAfter: r.headers['retry-after'],
    body: r.body,
  });
  const notesOf = async (c: Client, titleKey: string) =>
    ((await c.get('/api/notifications')).body.notifications as { titleKey: string; params: Record<string, string> }[]).filter(
      (n) => n.titleKey === titleKey,
    );

  it('answers an unknown name, a wrong password and a paused address alike; a familiar address keeps working; told once; unlock clears it', async () => {
    const u = await createUser(s, admin.client, 'teacher01', ['teacher']);
    // The person signs in once from the staff room: that address becomes familiar.
    const staffRoom = await firstSignIn(s, 'teacher01', u.password, '10.1.9.1');
    const password = `${u.password} changed`;
    const away = new Client(s, '10.1.0.1');
    const unknown = answer(await away.post('/api/auth/login', { username: 'nobody-here', password: WRONG }));
    expect(unknown).toEqual({
      status: 401,
      retryAfter: undefined,
      body: { type: 'about:blank#sign_in_failed', title: 'sign in failed', status: 401, code: 'sign_in_failed' },
    });
    for (let i = 1; i <= 10; i++)
      expect(answer(await away.post('/api/auth/login', { username: 'teacher01', password: WRONG }))).toEqual(unknown);
    // Paused from this address: the right password, a wrong one and an unknown name still answer the same.
    expect(answer(await away.post('/api/auth/login', { username: 'teacher01', password }))).toEqual(unknown);
    expect(answer(await away.post('/api/auth/login', { username: 'teacher01', password: WRONG }))).toEqual(unknown);
    expect(answer(await away.post('/api/auth/login', { username: 'nobody-here', password: WRONG }))).toEqual(unknown);
    // The familiar address, and another address, still sign the person in.
    const back = new Client(s, '10.1.9.1');
    expect((await back.post('/api/auth/login', { username: 'teacher01', password })).status).toBe(200);
    expect((await new Client(s, '10.1.0.2').post('/api/auth/login', { username: 'teacher01', password })).status).toBe(200);
    // The pause runs from the last counted failure, 1 minute then doubling.
    s.clock.advance(61_000);
    expect(answer(await away.post('/api/auth/login', { username: 'teacher01', password: WRONG }))).toEqual(unknown);
    s.clock.advance(61_000);
    expect(answer(await away.post('/api/auth/login', { username: 'teacher01', password }))).toEqual(unknown);
    // Audited each time, and told once: the people who can unlock (in the app and the outbox) and the person.
    const audit = await admin.client.get('/api/audit?action=auth.lockout');
    expect(audit.body.entries.length).toBe(2);
    expect((await notesOf(admin.client, 'notifications.accountLocked')).filter((n) => n.params.username === 'teacher01')).toHaveLength(1);
    const outbox = (await admin.client.get('/api/outbox')).body.entries as { subject: string; status: string }[];
    expect(outbox.filter((m) => m.subject.includes('teacher01') && m.status === 'held')).toHaveLength(1);
    await staffRoom.refreshCsrf();
    const mine = await notesOf(staffRoom, 'notifications.yourSignInPaused');
    expect(mine.map((n) => n.params.address)).toEqual(['10.1.0.1']);
    // Unlock clears the pause.
    expect((await admin.client.post(`/api/admin/users/${u.id}/unlock`)).status).toBe(204);
    expect((await away.post('/api/auth/login', { username: 'teacher01', password })).body.stage).toBe('mfa');
  });

  it('pauses unfamiliar addresses after guesses spread over many, while the familiar address keeps working', async () => {
    const u = await createUser(s, admin.client, 'teacher55', ['teacher']);
    await firstSignIn(s, 'teacher55', u.password, '10.55.9.1');
    const password = `${u.password} changed`;
    for (const n of [1, 2, 3]) {
      const c = new Client(s, `10.55.0.${n}`);
      for (let i = 0; i < 10; i++) expect((await c.post('/api/auth/login', { username: 'teacher55', password: WRONG })).status).toBe(401);
    }
    const fresh = await new Client(s, '10.55.0.4').post('/api/auth/login', { username: 'teacher55', password });
    expect(fresh.body.code).toBe('sign_in_failed');
    expect((await new Client(s, '10.55.9.1').post('/api/auth/login', { username: 'teacher55', password })).body.stage).toBe('mfa');
    // Two addresses reached their own pause and then unfamiliar addresses together did: three notices, not thirty.
    expect((await notesOf(admin.client, 'notifications.accountLocked')).filter((n) => n.params.username === 'teacher55')).toHaveLength(3);
    s.clock.advance(61_000);
    expect((await new Client(s, '10.55.0.4').post('/api/auth/login', { username: 'teacher55', password })).body.stage).toBe('mfa');
  });

  it('rate-limits sign-in attempts per address', async () => {
    const c = new Client(s, '10.1.0.2');
    let limited = 0;
    for (let i = 0; i < 35; i++)
      if ((await c.post('/api/auth/login', { username: `nobody${i}x`, password: 'whatever whatever' })).status === 429) limited++;
    expect(limited).toBe(5);
    s.clock.advance(60_000);
    expect((await c.post('/api/auth/login', { username: 'nobodyx', password: 'whatever whatever' })).status).toBe(401);
  });
});

describe('sessions', () => {
  it('ends after 30 idle minutes, with a moved clock', async () => {
    const u = await createUser(s, admin.client, 'teacher02', ['teacher']);
    const { c } = await signIn('teacher02', u.password, '10.2.0.1');
    expect((await c.post('/api/account/password', { currentPassword: u.password, newPassword: 'teacher two passphrase' })).status).toBe(
      204,
    );
    await c.refreshCsrf();
    s.clock.advance(29 * 60_000);
    expect((await c.get('/api/auth/me')).status).toBe(200);
    s.clock.advance(29 * 60_000); // activity moved the idle timer
    expect((await c.get('/api/auth/me')).status).toBe(200);
    s.clock.advance(31 * 60_000);
    const r = await c.get('/api/auth/me');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('session_expired');
    await signInAgain(s, admin);
  });

  it('ends 12 hours after sign-in however active', async () => {
    const { c } = await signIn('teacher02', 'teacher two passphrase', '10.2.0.2');
    for (let i = 0; i < 24; i++) {
      s.clock.advance(29 * 60_000); // 24 × 29 min = 11 h 36 min, never idle for 30
      expect((await c.get('/api/auth/me')).status).toBe(200);
    }
    s.clock.advance(25 * 60_000); // 12 h 1 min after sign-in, idle only 25 min
    expect((await c.get('/api/auth/me')).status).toBe(401);
    await signInAgain(s, admin);
  });

  it('gives a new session id at each sign-in step, and administrators can see and end sessions', async () => {
    const c = new Client(s, '10.2.0.3');
    s.clock.advance(60_000);
    await c.post('/api/auth/login', { username: 'admin1', password: 'correct horse battery staple 42' });
    const first = c.cookie;
    await c.refreshCsrf();
    await c.post('/api/auth/mfa', { code: await totpNow(s, admin.totpSecret) });
    expect(c.cookie).not.toBe(first);
    const old = new Client(s, '10.2.0.3');
    old.cookie = first;
    expect((await old.get('/api/auth/me')).status).toBe(401);
    await c.refreshCsrf();
    const list = (await admin.client.get('/api/admin/sessions')).body.sessions as { id: string; ip: string; current: boolean }[];
    const target = list.find((x) => x.ip === '10.2.0.3');
    expect(target).toBeDefined();
    expect((await admin.client.del(`/api/admin/sessions/${target?.id}`)).status).toBe(204);
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });
});

describe('rights', () => {
  it('an administrator reset makes the person change the password at next sign-in and ends their sessions', async () => {
    const u = await createUser(s, admin.client, 'teacher03', ['teacher']);
    const taken = await admin.client.post('/api/admin/users', {
      username: 'teacher03',
      displayNameEn: 'Second Person',
      password: 'another long passphrase',
    });
    expect([taken.status, taken.body.code]).toEqual([409, 'username_taken']);
    const { c } = await signIn('teacher03', u.password, '10.3.0.1');
    await c.post('/api/account/password', { currentPassword: u.password, newPassword: 'teacher three passphrase' });
    await c.refreshCsrf();
    expect((await c.get('/api/account/sessions')).status).toBe(200);
    expect((await admin.client.post(`/api/admin/users/${u.id}/reset-password`, { newPassword: 'temporary passphrase 77' })).status).toBe(
      204,
    );
    expect((await c.get('/api/auth/me')).status).toBe(401);
    const again = await signIn('teacher03', 'temporary passphrase 77', '10.3.0.2');
    expect(again.r.body.stage).toBe('password');
    expect((await again.c.get('/api/account/sessions')).body.code).toBe('password_change_required');
  });

  it('nobody grants what they do not hold, and the last administrator cannot be removed', async () => {
    const roles = (await admin.client.get('/api/admin/roles')).body.roles as { id: string; key: string }[];
    const role = (k: string) => roles.find((r) => r.key === k)?.id as string;
    const asa = await createUser(s, admin.client, 'asa0001', ['assistant_system_admin']);
    const { c } = await signIn('asa0001', asa.password, '10.4.0.1');
    await c.post('/api/account/password', { currentPassword: asa.password, newPassword: 'assistant admin passphrase' });
    await c.refreshCsrf();
    expect((await c.get('/api/auth/me')).body.stage).toBe('enrol'); // a security role: MFA is compulsory
    const start = await c.post('/api/account/mfa/enrol/start');
    await c.post('/api/account/mfa/enrol/confirm', { code: await totpNow(s, start.body.secret) });
    await c.refreshCsrf();
    // Enrolling ended the first sign-in: the log records it as a sign-in.
    const logins = await admin.client.get(`/api/audit?action=auth.login&actor=asa0001`);
    expect((logins.body.entries as { action: string }[]).map((e) => e.action)).toEqual(['auth.login']);
    // The assistant cannot assign roles at all, and the system administrator cannot be removed by anyone as the last one.
    expect((await c.put(`/api/admin/users/${asa.id}/roles`, { roleIds: [role('system_admin')] })).status).toBe(403);
    const r = await admin.client.put(`/api/admin/users/${admin.adminId}/roles`, { roleIds: [role('principal')] });
    expect(r.body.code).toBe('last_admin');
  });

  it('a change of rights gives the person a new session id and new rights on the next request', async () => {
    const roles = (await admin.client.get('/api/admin/roles')).body.roles as { id: string; key: string }[];
    // A role that reads the dashboard without any security right, so no MFA enrolment step here.
    const reader = (
      await admin.client.post('/api/admin/roles', {
        nameZh: '儀表板查閱',
        nameEn: 'Dashboard Reader',
        grants: [{ key: 'governance.dashboard.read' }],
      })
    ).body.id;
    const u = await createUser(s, admin.client, 'viceprin1', []);
    await admin.client.post(`/api/admin/roles/${reader}/members`, { userId: u.id });
    const { c } = await signIn('viceprin1', u.password, '10.5.0.1');
    await c.post('/api/account/password', { currentPassword: u.password, newPassword: 'vice principal passphrase' });
    await c.refreshCsrf();
    expect((await c.get('/api/dashboard')).status).toBe(200);
    const before = c.cookie;
    await admin.client.put(`/api/admin/users/${u.id}/roles`, { roleIds: [roles.find((r) => r.key === 'teacher')?.id] });
    const after = await c.get('/api/dashboard');
    expect(after.status).toBe(403);
    expect(c.cookie).not.toBe(before);
    expect((await c.get('/api/auth/me')).body.permissions).toEqual([
      'classes.read',
      'staff.read',
      'students.contacts.read',
      'students.read',
    ]);
  });
});

describe('governance checks', () => {
  it('S1 turns to attention when a holder of a security permission has no MFA, and U1 counts administrators against the limit', async () => {
    const roles = (await admin.client.get('/api/admin/roles')).body.roles as { id: string; key: string }[];
    await createUser(s, admin.client, 'sysadmin2', ['system_admin']);
    await createUser(s, admin.client, 'sysadmin3', ['system_admin']);
    await createUser(s, admin.client, 'sysadmin4', ['system_admin']);
    const d = await admin.client.get('/api/dashboard');
    const byKey = Object.fromEntries(
      (d.body.checks as { key: string; status: string; params: Record<string, unknown> }[]).map((c) => [c.key, c]),
    );
    expect(byKey['memo.S1.admin-mfa']).toMatchObject({ status: 'attention' });
    expect(byKey['memo.U1.privileged-count']).toMatchObject({ status: 'attention', params: { count: 4, limit: 3 } });
    expect((await admin.client.put('/api/admin/settings', { privilegedLimit: 4 })).status).toBe(204);
    const d2 = await admin.client.get('/api/dashboard');
    expect(d2.body.checks.find((c: { key: string }) => c.key === 'memo.U1.privileged-count').status).toBe('ok');
    void roles;
  });

  it('the daily digest notifies once however often the scheduler runs', async () => {
    const count = async () =>
      (await admin.client.get('/api/notifications')).body.notifications.filter(
        (n: { titleKey: string }) => n.titleKey === 'notifications.dailyDigest',
      ).length;
    await s.scheduler.tick(true);
    const once = await count();
    expect(once).toBeGreaterThan(0);
    await s.scheduler.tick(true);
    await s.scheduler.tick(true);
    expect(await count()).toBe(once);
  });
});

describe('found in review', () => {
  it('a password alone (stage mfa) cannot change the password', async () => {
    s.clock.advance(60_000);
    const c = new Client(s, '10.8.0.1');
    expect((await c.post('/api/auth/login', { username: 'admin1', password: 'correct horse battery staple 42' })).body.stage).toBe('mfa');
    await c.refreshCsrf();
    const r = await c.post('/api/account/password', {
      currentPassword: 'correct horse battery staple 42',
      newPassword: 'attacker chosen passphrase',
    });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('mfa_required');
  });

  it('wrong second-factor codes keep counting across password sign-ins and lock the account', async () => {
    const u = await createUser(s, admin.client, 'sysadmin9', ['system_admin']);
    const first = await signIn('sysadmin9', u.password, '10.8.0.2');
    await first.c.post('/api/account/password', { currentPassword: u.password, newPassword: 'sysadmin nine passphrase' });
    await first.c.refreshCsrf();
    const start = await first.c.post('/api/account/mfa/enrol/start');
    await first.c.post('/api/account/mfa/enrol/confirm', { code: await totpNow(s, start.body.secret) });
    let last = 0;
    for (let round = 0; round < 2; round++) {
      const { c } = await signIn('sysadmin9', 'sysadmin nine passphrase', '10.8.0.3');
      for (let i = 0; i < 5; i++) last = (await c.post('/api/auth/mfa', { code: '000000' })).status;
    }
    expect(last).toBe(423);
  });

  it('an administrator cannot reset the password of, or unlock, someone holding rights they lack', async () => {
    const principal = await createUser(s, admin.client, 'principal1', ['principal']);
    const asa = await createUser(s, admin.client, 'asa0002', ['assistant_system_admin']);
    const { c } = await signIn('asa0002', asa.password, '10.8.0.4');
    await c.post('/api/account/password', { currentPassword: asa.password, newPassword: 'assistant two passphrase' });
    await c.refreshCsrf();
    const start = await c.post('/api/account/mfa/enrol/start');
    await c.post('/api/account/mfa/enrol/confirm', { code: await totpNow(s, start.body.secret) });
    await c.refreshCsrf();
    const r = await c.post(`/api/admin/users/${principal.id}/reset-password`, { newPassword: 'takeover passphrase 1' });
    expect(r.body.code).toBe('grant_not_held');
    expect((await c.post(`/api/admin/users/${principal.id}/unlock`)).body.code).toBe('grant_not_held');
    // A teacher reads students, which the assistant cannot: refused too. Someone with no more rights than the assistant: fine.
    const teacher = await createUser(s, admin.client, 'teacher77', ['teacher']);
    expect((await c.post(`/api/admin/users/${teacher.id}/reset-password`, { newPassword: 'a fair reset passphrase' })).body.code).toBe(
      'grant_not_held',
    );
    const newcomer = await createUser(s, admin.client, 'newcomer1', []);
    expect((await c.post(`/api/admin/users/${newcomer.id}/reset-password`, { newPassword: 'a fair reset passphrase' })).status).toBe(204);
  });

  it('a NUL character in a query string is a 400, not a 500', async () => {
    expect((await admin.client.get('/api/audit?actor=%00')).status).toBe(400);
  });
});
