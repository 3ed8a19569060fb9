import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdpAuthn, startIdp, signInAtIdp } from '../helpers/oidc.js';
import { Client, type SetupSchool, type TestServer, createUser, setupSchool, startTestServer, totpNow } from '../helpers/server.js';

let s: TestServer;
let admin: SetupSchool;
let c: Client;
let idp: Awaited<ReturnType<typeof startIdp>>;
const ids: Record<string, string> = {};
/** How accounts sign in at the provider (`amr`/`acr` in their ID tokens). */
const authn: IdpAuthn = {};
const REDIRECT = 'http://localhost:3000/api/sso/callback';

beforeAll(async () => {
  s = await startTestServer({ PUBLIC_URL: 'http://localhost:3000', PORT: '3000' });
  // The provider dates its tokens by the real clock; ours starts there too (a test moves it to try `iat`).
  s.clock.set(new Date());
  admin = await setupSchool(s);
  c = admin.client;
  idp = await startIdp(REDIRECT, authn);
  ids.teacher = (await createUser(s, c, 'ssoteacher', ['teacher'])).id;
  await s.db.system((q) => q.query(`UPDATE users SET email = 'ssoteacher@school1.edu.hk' WHERE id = $1`, [ids.teacher]));
  ids.local = (await createUser(s, c, 'localonly', ['teacher'])).id;
  await s.db.system((q) => q.query(`UPDATE users SET email = 'localonly@school1.edu.hk' WHERE id = $1`, [ids.local]));
});
afterAll(async () => {
  await s?.close();
  await idp?.close();
});

/** The cookie that binds a flow to the browser that started it, as set by `res` ('' when none). */
const flowCookie = (res: { headers: Record<string, unknown> }): string => {
  const set = ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []);
  const pair = set.map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('sso_flow=') && c.length > 'sso_flow='.length);
  return pair ?? '';
};
/** Open the callback in `x`, sending the flow cookie `flow` (this browser's, another's, or none). */
const openCallback = (x: Client, callback: string, flow: string) =>
  x.req('GET', callback, undefined, { cookie: [x.cookie, flow].filter(Boolean).join('; ') });

/** A browser starts single sign-on at the school, signs in at the provider as `login`. */
const startAt = async (login: string, ip = '10.0.5.5') => {
  const x = new Client(s, ip);
  const start = await x.get('/api/sso/start?school=500001');
  expect(start.status).toBe(302);
  const flow = flowCookie(start);
  expect(flow).not.toBe('');
  const attrs = String(([] as string[]).concat(start.headers['set-cookie'] as string[]).find((c) => c.startsWith('sso_flow=')));
  expect(attrs).toMatch(/HttpOnly/);
  expect(attrs).toMatch(/SameSite=Lax/);
  expect(attrs).toMatch(/Max-Age=600/);
  const callback = await signInAtIdp(String(start.headers.location), login);
  return { x, flow, callback };
};
const signIn = async (login: string) => {
  const { x, flow, callback } = await startAt(login);
  const back = await openCallback(x, callback, flow);
  return { x, back };
};
const saveProvider = (issuer: string, clientId = 'school-admin', clientSecret = 'a client secret for tests') =>
  c.put('/api/admin/sso', { enabled: true, issuer, clientId, clientSecret, emailLink: true });
const lastFailure = async () => (await c.get('/api/audit?action=auth.sso_failed')).body.entries[0]?.details.reason as string;

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
    const { x, flow, callback } = await startAt('ssoteacher', '10.0.5.7');
    // Meanwhile the school's configuration names a different client: the code and its tokens were not issued to it.
    await c.put('/api/admin/sso', {
      enabled: true,
      issuer: idp.issuer,
      clientId: 'other-app',
      clientSecret: 'another client secret',
      emailLink: true,
    });
    const back = await openCallback(x, callback, flow);
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

  it('a callback URL opened in another browser signs nobody in; the browser that started it still can, once', async () => {
    const { x, flow, callback } = await startAt('ssoteacher');
    const stranger = new Client(s, '10.0.9.9');
    expect((await openCallback(stranger, callback, '')).headers.location).toBe('/login?sso_error=sso_failed');
    expect((await stranger.get('/api/auth/me')).status).toBe(401);
    // A flow cookie of the stranger's own (from a flow they started) does not match this state either.
    const own = flowCookie(await stranger.get('/api/sso/start?school=500001'));
    expect(own).not.toBe('');
    expect((await openCallback(stranger, callback, own)).headers.location).toBe('/login?sso_error=sso_failed');
    expect((await stranger.get('/api/auth/me')).status).toBe(401);
    // The stranger's tries did not use up the real attempt.
    expect((await openCallback(x, callback, flow)).headers.location).toBe('/');
    expect((await x.get('/api/auth/me')).body.user.username).toBe('ssoteacher');
    expect((await openCallback(new Client(s, '10.0.5.8'), callback, flow)).headers.location).toBe('/login?sso_error=sso_failed');
  });

  it('"link my account" finished in another browser attaches nothing; in the starting browser it links', async () => {
    const linker = await createUser(s, c, 'linker01', ['teacher']);
    await c.put(`/api/admin/users/${linker.id}/sso`, { mode: 'allowed' });
    const me = new Client(s, '10.0.5.20');
    await me.post('/api/auth/login', { username: 'linker01', password: linker.password, school: '500001' });
    await me.refreshCsrf();
    const changed = await me.post('/api/account/password', { currentPassword: linker.password, newPassword: 'linker chose this phrase' });
    expect(changed.status).toBeLessThan(300);
    await me.refreshCsrf();
    const subject = async () =>
      (
        await s.db.system((q) =>
          q.query<{ sso_subject: string | null; sso_issuer: string | null }>('SELECT sso_subject, sso_issuer FROM users WHERE id = $1', [
            linker.id,
          ]),
        )
      )[0];
    const passed = await me.post('/api/account/sso/link');
    expect(passed.status).toBe(200);
    // The URL reaches someone else, who signs in at the provider as themselves and finishes in their own browser.
    const theirs = await signInAtIdp(passed.body.url, 'stranger');
    expect((await openCallback(new Client(s, '10.0.9.10'), theirs, '')).headers.location).toBe('/login?sso_error=sso_failed');
    expect(await subject()).toEqual({ sso_subject: null, sso_issuer: null });
    const mine = await me.post('/api/account/sso/link');
    const flow = flowCookie(mine);
    const callback = await signInAtIdp(mine.body.url, 'linker01');
    expect((await openCallback(me, callback, flow)).headers.location).toBe('/');
    expect(await subject()).toEqual({ sso_subject: 'linker01', sso_issuer: idp.issuer });
  });

  it('an administrator who never enrolled MFA gets the enrolment step through SSO, not a full session', async () => {
    const a = await createUser(s, c, 'ssoadmin', ['system_admin']);
    await s.db.system((q) => q.query(`UPDATE users SET email = 'ssoadmin@school1.edu.hk' WHERE id = $1`, [a.id]));
    await c.put(`/api/admin/users/${a.id}/sso`, { mode: 'allowed' });
    const { x, back } = await signIn('ssoadmin');
    expect(back.headers.location).toBe('/enrol-mfa');
    const me = await x.get('/api/auth/me');
    expect(me.body.stage).toBe('enrol');
    expect(me.body.permissions).toEqual([]);
    expect((await x.get('/api/admin/users')).status).toBe(403);
    // One who enrolled is asked for the code after the provider, as after a password.
    await c.put(`/api/admin/users/${admin.adminId}/sso`, { mode: 'allowed' });
    const enrolled = await signIn('admin1');
    expect(enrolled.back.headers.location).toBe('/login/mfa');
    expect((await enrolled.x.get('/api/auth/me')).body.stage).toBe('mfa');
    // Kept to single sign-on, the new administrator enrols in that step and next time passes the code;
    // the initial password (never used) is not asked to be changed.
    await c.put(`/api/admin/users/${a.id}/sso`, { mode: 'required' });
    await x.refreshCsrf();
    const { secret } = (await x.post('/api/account/mfa/enrol/start')).body as { secret: string };
    expect((await x.post('/api/account/mfa/enrol/confirm', { code: await totpNow(s, secret) })).status).toBe(200);
    expect((await x.get('/api/auth/me')).body.stage).toBe('done');
    s.clock.advance(60_000); // the next code
    const again = await signIn('ssoadmin');
    expect(again.back.headers.location).toBe('/login/mfa');
    await again.x.refreshCsrf();
    const verified = await again.x.post('/api/auth/mfa', { code: await totpNow(s, secret) });
    expect(verified.body).toEqual({ stage: 'done' });
    const next = (await c.get('/api/audit?action=auth.sso_verified')).body.entries.map(
      (e: { details: { next: string } }) => e.details.next,
    );
    expect(next).toEqual(expect.arrayContaining(['enrol', 'mfa']));
  });

  it('a second factor the provider confirms (amr/acr, as the school accepts) completes a security role; otherwise the local one', async () => {
    const a = await createUser(s, c, 'mfaadmin', ['system_admin']);
    await s.db.system((q) => q.query(`UPDATE users SET email = 'mfaadmin@school1.edu.hk' WHERE id = $1`, [a.id]));
    await c.put(`/api/admin/users/${a.id}/sso`, { mode: 'allowed' });
    const setMfa = (providerMfa: { enabled: boolean; amr: string[]; acr: string[] }) =>
      c.put('/api/admin/sso', { enabled: true, issuer: idp.issuer, clientId: 'school-admin', emailLink: true, providerMfa });
    let last = new Client(s);
    const landing = async (login: string) => {
      const { x, back } = await signIn(login);
      last = x;
      return { location: back.headers.location as string, stage: (await x.get('/api/auth/me')).body.stage as string };
    };
    authn.mfaadmin = { amr: ['pwd', 'otp'] };
    // Off by default: the provider's word is not taken.
    expect((await c.get('/api/admin/sso')).body.providerMfa).toEqual({ enabled: false, amr: [], acr: [] });
    expect(await landing('mfaadmin')).toMatchObject({ location: '/enrol-mfa', stage: 'enrol' });
    // On without any value to look for is refused.
    expect((await setMfa({ enabled: true, amr: [], acr: [] })).body.code).toBe('validation_failed');
    expect((await setMfa({ enabled: true, amr: ['otp', 'hwk', 'otp'], acr: [] })).status).toBe(204);
    expect((await c.get('/api/admin/sso')).body.providerMfa).toEqual({ enabled: true, amr: ['otp', 'hwk'], acr: [] });
    expect((await c.get('/api/audit?action=sso.configured')).body.entries[0].details.providerMfa).toEqual({
      enabled: true,
      amr: ['otp', 'hwk'],
      acr: [],
    });
    expect(await landing('mfaadmin')).toMatchObject({ location: '/', stage: 'done' });
    expect((await last.get('/api/admin/users')).status).toBe(200);
    const login = (await c.get('/api/audit?action=auth.sso_login')).body.entries[0];
    expect(login.details).toMatchObject({ next: 'done', providerMfa: true });
    // An administrator who enrolled locally is not asked for the local code either.
    authn.admin1 = { amr: ['hwk'] };
    expect(await landing('admin1')).toMatchObject({ location: '/', stage: 'done' });
    // A password alone, no amr at all, or a method not listed: the local second factor, as before.
    for (const said of [{ amr: ['pwd'] }, {}, { amr: ['sms'] }, { acr: 'otp' }]) {
      authn.mfaadmin = said;
      expect(await landing('mfaadmin')).toMatchObject({ location: '/enrol-mfa', stage: 'enrol' });
    }
    authn.admin1 = { amr: ['pwd'] };
    expect(await landing('admin1')).toMatchObject({ location: '/login/mfa', stage: 'mfa' });
    // By acr (asked for with acr_values): equal to a listed class passes, another does not.
    expect((await setMfa({ enabled: true, amr: [], acr: ['urn:school:mfa'] })).status).toBe(204);
    authn.mfaadmin = { amr: ['pwd'], acr: 'urn:school:mfa' };
    expect(await landing('mfaadmin')).toMatchObject({ location: '/', stage: 'done' });
    authn.mfaadmin = { amr: ['otp'], acr: 'urn:school:pwd' };
    expect(await landing('mfaadmin')).toMatchObject({ location: '/enrol-mfa', stage: 'enrol' });
    // Saving the provider without the setting keeps it; turned off, the local second factor is back.
    expect((await saveProvider(idp.issuer)).status).toBe(204);
    expect((await c.get('/api/admin/sso')).body.providerMfa).toEqual({ enabled: true, amr: [], acr: ['urn:school:mfa'] });
    expect((await setMfa({ enabled: false, amr: ['otp'], acr: ['urn:school:mfa'] })).status).toBe(204);
    authn.mfaadmin = { amr: ['otp'], acr: 'urn:school:mfa' };
    expect(await landing('mfaadmin')).toMatchObject({ location: '/enrol-mfa', stage: 'enrol' });
    delete authn.mfaadmin;
    delete authn.admin1;
  });

  it('refuses an ID token dated in the future beyond the allowed skew', async () => {
    const { x, flow, callback } = await startAt('ssoteacher');
    s.clock.set(new Date(Date.now() - 5 * 60_000));
    try {
      expect((await openCallback(x, callback, flow)).headers.location).toBe('/login?sso_error=sso_failed');
    } finally {
      s.clock.set(new Date());
    }
    expect((await x.get('/api/auth/me')).status).toBe(401);
    expect(await lastFailure()).toBe('token issued in the future');
  });

  it('a link made at one provider signs nobody in at another with the same subject; the administrators are told', async () => {
    const idp2 = await startIdp(REDIRECT);
    try {
      expect((await saveProvider(idp2.issuer)).status).toBe(204);
      const suspended = (await c.get('/api/audit?action=sso.links_suspended')).body.entries[0];
      expect(suspended.details.count).toBeGreaterThanOrEqual(2);
      // Someone at the new provider whose subject is also "ssoteacher" (and whose e-mail matches).
      const { x, back } = await signIn('ssoteacher');
      expect(back.headers.location).toBe('/login?sso_error=sso_failed');
      expect((await x.get('/api/auth/me')).status).toBe(401);
      expect(await lastFailure()).toBe('link made at another issuer');
      expect((await c.get('/api/audit?action=auth.sso_link_suspended')).body.entries[0].target).toBe(`user:${ids.teacher}`);
      const notes = JSON.stringify((await c.get('/api/notifications')).body);
      expect(notes).toContain('notifications.ssoLinksSuspended');
      expect(notes).toContain('notifications.ssoLinkSuspended');
    } finally {
      await saveProvider(idp.issuer);
      await idp2.close();
    }
    // Back at the provider where the link was made, it works again.
    expect((await signIn('ssoteacher')).back.headers.location).toBe('/');
  });

  it('every failure comes back to the sign-in page with a code it translates, never JSON or a 500', async () => {
    const x = new Client(s, '10.0.5.30');
    expect((await x.get('/api/sso/options?school=500001')).body).toEqual({ enabled: true });
    expect((await x.get('/api/sso/options')).body).toEqual({ enabled: true });
    expect((await x.get('/api/sso/options?school=999999')).body).toEqual({ enabled: false });
    for (const q of ['school=999999', 'school=%3Cscript%3E', 'school=500001&school=500002'])
      expect((await x.get(`/api/sso/start?${q}`)).headers.location).toBe('/login?sso_error=sso_unavailable');
    expect((await x.get('/api/sso/callback')).headers.location).toBe('/login?sso_error=sso_failed');
    const { x: y, flow, callback } = await startAt('ssoteacher');
    const long = callback.replace(/code=[^&]+/, `code=${'a'.repeat(5000)}`);
    expect((await openCallback(y, long, flow)).headers.location).toBe('/login?sso_error=sso_failed');
    // The provider stops answering (as after a restart with it down): start, and a flow already under way.
    await s.db.system((q) => q.query('UPDATE schools SET sso_issuer = $1', ['http://127.0.0.1:9/']));
    try {
      const down = await x.get('/api/sso/start?school=500001');
      expect(down.status).toBe(302);
      expect(down.headers.location).toBe('/login?sso_error=sso_provider_unreachable');
      expect((await openCallback(y, callback, flow)).headers.location).toBe('/login?sso_error=sso_provider_unreachable');
    } finally {
      await s.db.system((q) => q.query('UPDATE schools SET sso_issuer = $1', [idp.issuer]));
    }
  });

  it('memo.U2.sso-policy needs a review within 12 months', async () => {
    const status = async () =>
      ((await c.get('/api/dashboard')).body.checks as { key: string; status: string }[]).find((k) => k.key === 'memo.U2.sso-policy')
        ?.status;
    expect(await status()).toBe('attention');
    await c.post('/api/admin/sso/reviewed');
    expect(await status()).toBe('ok');
  });

  it('with a second organisation, single sign-on needs the school code: without it nothing is offered', async () => {
    await setupSchool(s, 2);
    const x = new Client(s, '10.0.5.40');
    expect((await x.get('/api/sso/options')).body).toEqual({ enabled: false });
    expect((await x.get('/api/sso/start')).headers.location).toBe('/login?sso_error=sso_unavailable');
    expect((await x.get('/api/sso/options?school=500001')).body).toEqual({ enabled: true });
    expect((await x.get('/api/sso/start?school=500001')).status).toBe(302);
    expect((await x.get('/api/sso/start?school=500002')).headers.location).toBe('/login?sso_error=sso_unavailable');
  });
});
