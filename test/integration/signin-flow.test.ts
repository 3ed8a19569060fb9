import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, Client, type SetupSchool, type TestServer, setupSchool, startTestServer, totpNow } from '../helpers/server.js';

let s: TestServer;
let school: SetupSchool;
beforeAll(async () => {
  s = await startTestServer();
  school = await setupSchool(s);
});
afterAll(() => s?.close());

describe('setup → sign-in → MFA → a protected route', () => {
  it('setup gave 24 school-key words and left the administrator fully signed in after enrolment', async () => {
    expect(school.words).toHaveLength(24);
    expect(school.recoveryCodes).toHaveLength(10);
    const me = await school.client.get('/api/auth/me');
    expect(me.body.stage).toBe('done');
    expect(me.body.permissions).toContain('audit.read');
  });

  it('the setup link works once only', async () => {
    const c = new Client(s);
    const r = await c.get('/api/setup/not-a-real-token-0000');
    expect(r.body.valid).toBe(false);
  });

  it('signs in with password then TOTP and reaches the audit log', async () => {
    s.clock.advance(60_000);
    const c = new Client(s, '10.9.9.9');
    const r1 = await c.post('/api/auth/login', { username: 'admin1', password: ADMIN_PASSWORD });
    expect(r1.status).toBe(200);
    expect(r1.body.stage).toBe('mfa');
    await c.refreshCsrf();
    const early = await c.get('/api/audit');
    expect(early.status).toBe(401);
    expect(early.body.code).toBe('mfa_required');
    const r2 = await c.post('/api/auth/mfa', { code: await totpNow(s, school.totpSecret) });
    expect(r2.body).toEqual({ stage: 'done' });
    await c.refreshCsrf();
    const audit = await c.get('/api/audit?limit=100');
    expect(audit.status).toBe(200);
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toContain('auth.login');
    expect(actions).toContain('auth.mfa_enrolled');
    expect(actions).toContain('setup.completed');
  });

  it('refuses a replayed TOTP code and accepts a recovery code once', async () => {
    const c = new Client(s, '10.9.9.8');
    await c.post('/api/auth/login', { username: 'admin1', password: ADMIN_PASSWORD });
    await c.refreshCsrf();
    const code = await totpNow(s, school.totpSecret);
    const used = await c.post('/api/auth/mfa', { code });
    expect(used.status).toBe(401);
    expect(used.body.code).toBe('mfa_invalid');
    const rc = await c.post('/api/auth/mfa', { code: school.recoveryCodes[0] });
    expect(rc.body.stage).toBe('done');
    const c2 = new Client(s, '10.9.9.7');
    await c2.post('/api/auth/login', { username: 'admin1', password: ADMIN_PASSWORD });
    await c2.refreshCsrf();
    expect((await c2.post('/api/auth/mfa', { code: school.recoveryCodes[0] })).status).toBe(401);
  });

  it('sign-out is immediate', async () => {
    const c = new Client(s, '10.9.9.6');
    s.clock.advance(31_000);
    await c.post('/api/auth/login', { username: 'admin1', password: ADMIN_PASSWORD });
    await c.refreshCsrf();
    await c.post('/api/auth/mfa', { code: await totpNow(s, school.totpSecret) });
    await c.refreshCsrf();
    const saved = c.cookie;
    expect((await c.post('/api/auth/logout')).status).toBe(204);
    c.cookie = saved;
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });
});
