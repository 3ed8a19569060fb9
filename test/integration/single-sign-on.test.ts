import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp, signInAtIdp } from '../helpers/oidc.js';
import { Client, type SetupSchool, type TestServer, createUser, setupSchool, startTestServer } from '../helpers/server.js';

let s: TestServer;
let admin: SetupSchool;
let c: Client;
let idp: Awaited<ReturnType<typeof startIdp>>;
const ids: Record<string, string> = {};
const REDIRECT = 'http://localhost:3000/api/sso/callback';

beforeAll(async () => {
  s = await startTestServer({ PUBLIC_URL: 'http://localhost:3000', PORT: '3000' });
  admin = await setupSchool(s);
  c = admin.client;
  idp = await startIdp(REDIRECT);
  ids.teacher = (await createUser(s, c, 'ssoteacher', ['teacher'])).id;
  await s.db.system((q) => q.query(`UPDATE users SET email = 'ssoteacher@school1.edu.hk' WHERE id = $1`, [ids.teacher]));
  ids.local = (await createUser(s, c, 'localonly', ['teacher'])).id;
  await s.db.system((q) => q.query(`UPDATE users SET email = 'localonly@school1.edu.hk' WHERE id = $1`, [ids.local]));
});
afterAll(async () => {
  await s?.close();
  await idp?.close();
});

const signIn = async (login: string) => {
  const x = new Client(s, '10.0.5.5');
  const start = await x.get('/api/sso/start?school=500001');
  expect(start.status).toBe(302);
  const callback = await signInAtIdp(String(start.headers.location), login);
  const back = await x.get(callback);
  return { x, back };
};

describe('single sign-on (OpenID Connect, code + PKCE, against a real provider on loopback)', () => {
  it('refuses an issuer that does not answer, and keeps the client secret out of every answer', async () => {
    const r = await c.put('/api/admin/sso', {
      enabled: true,
      issuer: 'http://127.0.0.1:9/',
      clientId: 'school-admin',
      clientSecret: 'x',
      emailLink: true,
    });
    expect(r.body.code).toBe('sso_issuer_unreachable');
    const ok = await c.put('/api/admin/sso', {
      enabled: true,
      issuer: idp.issuer,
      clientId: 'school-admin',
      clientSecret: 'a client secret for tests',
      emailLink: true,
    });
    expect(ok.status).toBe(204);
    const view = await c.get('/api/admin/sso');
    expect(view.body).toMatchObject({ enabled: true, hasSecret: true, redirectUri: REDIRECT });
    expect(JSON.stringify(view.body)).not.toContain('a client secret for tests');
    expect(JSON.stringify((await c.get('/api/audit?action=sso.configured')).body)).not.toContain('a client secret for tests');
  });

  it('signs in a person allowed to use it, linking by the verified e-mail the administrator turned on', async () => {
    await c.put(`/api/admin/users/${ids.teacher}/sso`, { mode: 'allowed' });
    const { x, back } = await signIn('ssoteacher');
    expect(back.status).toBe(302);
    expect(back.headers.location).toBe('/');
    const me = await x.get('/api/auth/me');
    expect(me.body.user.username).toBe('ssoteacher');
    expect(me.body.stage).toBe('done');
    const actions = (await c.get('/api/audit?limit=20')).body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.sso_linked', 'auth.sso_login']));
  });

  it('refuses single sign-on for a person kept to local sign-in, with a clear code', async () => {
    const { x, back } = await signIn('localonly');
    expect(back.headers.location).toBe('/login?sso_error=sso_failed');
    expect((await x.get('/api/auth/me')).status).toBe(401);
  });

  it('a person required to use it cannot sign in with a password', async () => {
    await c.put(`/api/admin/users/${ids.teacher}/sso`, { mode: 'required' });
    const r = await new Client(s, '10.0.5.6').post('/api/auth/login', { username: 'ssoteacher', password: 'initial password for 10x' });
    expect(r.body.code).toBe('sso_required');
  });

  it('refuses a code issued for another application (another audience), creating no session', async () => {
    await c.put(`/api/admin/users/${ids.teacher}/sso`, { mode: 'allowed' });
    const x = new Client(s, '10.0.5.7');
    const start = await x.get('/api/sso/start?school=500001');
    const callback = await signInAtIdp(String(start.headers.location), 'ssoteacher');
    // Meanwhile the school's configuration names a different client: the code and its tokens were not issued to it.
    await c.put('/api/admin/sso', {
      enabled: true,
      issuer: idp.issuer,
      clientId: 'other-app',
      clientSecret: 'another client secret',
      emailLink: true,
    });
    const back = await x.get(callback);
    expect(back.headers.location).toBe('/login?sso_error=sso_failed');
    expect((await x.get('/api/auth/me')).status).toBe(401);
    const failed = (await c.get('/api/audit?action=auth.sso_failed')).body.entries[0];
    expect(failed.details.reason).toMatch(/token/);
    await c.put('/api/admin/sso', {
      enabled: true,
      issuer: idp.issuer,
      clientId: 'school-admin',
      clientSecret: 'a client secret for tests',
      emailLink: true,
    });
    await c.put(`/api/admin/users/${ids.teacher}/sso`, { mode: 'required' });
  });

  it('a callback with a state that was never issued (or is replayed) is refused', async () => {
    const r = await new Client(s).get('/api/sso/callback?code=abc&state=forged');
    expect(r.headers.location).toBe('/login?sso_error=sso_failed');
  });

  it('memo.U2.sso-policy needs a review within 12 months', async () => {
    const status = async () =>
      ((await c.get('/api/dashboard')).body.checks as { key: string; status: string }[]).find((k) => k.key === 'memo.U2.sso-policy')
        ?.status;
    expect(await status()).toBe('attention');
    await c.post('/api/admin/sso/reviewed');
    expect(await status()).toBe('ok');
  });
});
