import { generate } from 'otplib';
import { type APIRequestContext, type Browser, type BrowserContext, type Page, request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdp } from '../helpers/oidc.js';
import {
  PHONE,
  closeAll,
  csrf,
  expectAccessible,
  freePort,
  launch,
  modalSettled,
  noToasts,
  openNav,
  setUpSchoolInBrowser,
  shot,
  startBrowserServer,
  tid,
  write,
  switchLanguage,
} from './helpers.js';

const PASSWORD = 'a long school passphrase 2026';
const PRINCIPAL_FIRST = 'principal initial passphrase 2026';
const PRINCIPAL_PASSWORD = 'the principal chose this passphrase';
let server: Awaited<ReturnType<typeof startBrowserServer>>;
let idp: Awaited<ReturnType<typeof startIdp>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let principalApi: APIRequestContext | undefined;
const ids: Record<string, string> = {};
let planId = '';

beforeAll(async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  server = await startBrowserServer({ PORT: String(port), PUBLIC_URL: base });
  idp = await startIdp(`${base}/api/sso/callback`);
  browser = await launch();
  context = await browser.newContext({ viewport: PHONE, baseURL: server.base });
  page = await context.newPage();
});
afterAll(() => closeAll(principalApi, browser, idp, server));

describe('single sign-on and handover in Chromium', () => {
  it('sets up the school and its administrator', async () => {
    await setUpSchoolInBrowser(page, () => server.setupLink(), PASSWORD);
  });

  it('configures single sign-on in the UI', async () => {
    await openNav(page, 'sso');
    await page.waitForSelector(tid('sso-page'));
    expect(await page.textContent(tid('sso-redirect-uri'))).toBe(`${server.base}/api/sso/callback`);
    await expectAccessible(page, 'sso-empty');
    await page.fill(tid('sso-issuer'), idp.issuer);
    await page.fill(tid('sso-client-id'), 'school-admin');
    await page.fill(tid('sso-client-secret'), 'a client secret for tests');
    await page.click(tid('sso-email-link'));
    await page.click(tid('sso-enabled'));
    await page.click(tid('sso-save'));
    await page.waitForSelector(`${tid('sso-page')}[data-enabled="true"][data-has-secret="true"]`);
    expect(await page.getAttribute(tid('sso-client-secret'), 'placeholder')).toMatch(/不變|unchanged/);
    // On a phone the saved confirmation sits where the review button scrolls to.
    await noToasts(page);
    await page.click(tid('sso-reviewed'));
    await expect.poll(() => page.getAttribute(tid('sso-reviewed-at'), 'data-reviewed-at')).not.toBe('');
    const config = (await (await page.request.get('/api/admin/sso')).json()) as {
      enabled: boolean;
      issuer: string;
      clientId: string;
      emailLink: boolean;
    };
    expect(config).toMatchObject({ enabled: true, issuer: idp.issuer, clientId: 'school-admin', emailLink: true });
    await noToasts(page);
    await expectAccessible(page, 'sso-zh');
    await shot(page, '50-sso-zh');
  });

  it('creates a teacher who may use single sign-on, and a colleague to take over', async () => {
    const roles = ((await (await page.request.get('/api/admin/roles')).json()) as { roles: { id: string; key: string | null }[] }).roles;
    const roleId = (key: string) => roles.find((r) => r.key === key)?.id ?? '';
    for (const user of [
      {
        username: 'ssoteacher',
        displayNameEn: 'Chan Tai Man',
        displayNameZh: '陳大文',
        email: 'ssoteacher@school1.edu.hk',
        password: 'teacher initial passphrase',
        roleIds: [roleId('teacher')],
      },
      {
        username: 'kmchan',
        displayNameEn: 'Chan Ka Man',
        displayNameZh: '陳嘉敏',
        password: 'colleague initial passphrase',
        roleIds: [roleId('teacher')],
      },
      {
        username: 'lkho',
        displayNameEn: 'Ho Lai Kwan',
        displayNameZh: '何麗君',
        password: PRINCIPAL_FIRST,
        roleIds: [roleId('principal')],
      },
    ]) {
      const created = await page.request.post('/api/admin/users', { data: user, headers: { 'x-csrf-token': await csrf(page.request) } });
      expect(created.status(), await created.text()).toBe(201);
      ids[user.username] = ((await created.json()) as { id: string }).id;
    }
    // The sign-in method is chosen on the users page.
    await openNav(page, 'users');
    const select = page.locator(`${tid('user-row-ssoteacher')} ${tid('user-sso-mode')}`);
    await select.click();
    await page.getByRole('option', { name: /Password or single sign-on|密碼或統一登入/ }).click();
    await expect.poll(() => select.getAttribute('data-mode')).toBe('allowed');
    await noToasts(page);
    await expectAccessible(page, 'users-sso-mode');
  });

  it('the teacher signs in through the provider (linked by verified e-mail)', async () => {
    const other = await browser.newContext({ viewport: PHONE, baseURL: server.base });
    try {
      const teacher = await other.newPage();
      await teacher.goto('/login');
      await teacher.waitForSelector(tid('login-sso'));
      await expectAccessible(teacher, 'login-with-sso');
      await shot(teacher, '51-login-sso-zh');
      await teacher.click(tid('login-sso'));
      await teacher.waitForURL((url) => url.href.startsWith(idp.issuer));
      await teacher.fill('input[name="login"]', 'ssoteacher');
      await teacher.fill('input[name="password"]', 'anything');
      await teacher.click('button[type="submit"]');
      await teacher.waitForSelector('button[type="submit"]:has-text("Continue")');
      await teacher.click('button[type="submit"]:has-text("Continue")');
      await teacher.waitForURL(`${server.base}/`);
      const me = (await (await teacher.request.get('/api/auth/me')).json()) as { user: { username: string }; stage: string };
      expect(me.user.username).toBe('ssoteacher');
      expect(me.stage).toBe('done');
      await teacher.goto('/account');
      await teacher.waitForSelector(tid('account-sso-link'));
    } finally {
      await other.close();
    }
  });

  it('a failed single sign-on comes back to the sign-in page with the reason', async () => {
    const other = await browser.newContext({ viewport: PHONE, baseURL: server.base });
    try {
      const visitor = await other.newPage();
      await visitor.goto('/login?sso_error=sso_failed');
      await visitor.waitForSelector(`${tid('form-error')}[data-code="sso_failed"]`);
      expect(await visitor.textContent(tid('form-error'))).toBe('統一登入未能完成，請再試或聯絡系統管理員。');
    } finally {
      await other.close();
    }
  });

  it('with the provider down, single sign-on comes back to the sign-in page with a translated message', async () => {
    // A provider this server never reached, now stopped: as after a restart while the provider is down.
    const gone = await startIdp(`${server.base}/api/sso/callback`);
    await gone.close();
    const setIssuer = (issuer: string) => server.deps.db.system((q) => q.query('UPDATE schools SET sso_issuer = $1', [issuer]));
    await setIssuer(gone.issuer);
    const other = await browser.newContext({ viewport: PHONE, baseURL: server.base });
    try {
      const visitor = await other.newPage();
      await visitor.goto('/login');
      await visitor.click(tid('login-sso'));
      await visitor.waitForSelector(`${tid('form-error')}[data-code="sso_provider_unreachable"]`);
      expect(new URL(visitor.url()).pathname).toBe('/login');
      expect(await visitor.textContent(tid('form-error'))).toBe('學校的身份提供者沒有回應。請稍後再試；如帳戶容許，亦可改用密碼登入。');
      await expectAccessible(visitor, 'login-sso-provider-down');
    } finally {
      await other.close();
      await setIssuer(idp.issuer);
    }
  });

  it('plans the teacher’s handover in the UI and chooses the successor', async () => {
    await openNav(page, 'handover');
    await page.waitForSelector(tid('handover-table'));
    await expectAccessible(page, 'handover-empty');
    await page.click(tid('handover-new'));
    await page.click(tid('handover-form-user'));
    await page.getByRole('option', { name: /ssoteacher/ }).click();
    expect(await page.getAttribute(tid('handover-form-date'), 'data-value')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await modalSettled(page);
    await expectAccessible(page, 'handover-form');
    await page.click(tid('handover-form-submit'));
    await page.waitForURL(/\/admin\/handover\/[0-9a-f-]{36}$/);
    planId = page.url().split('/').pop() ?? '';
    await page.waitForSelector(`${tid('handover-detail')}[data-plan-id="${planId}"]`);
    expect(await page.locator(`${tid('handover-item')}[data-kind="role"]`).count()).toBe(1);
    // The author does not approve their own plan: the button is off and says why.
    expect(await page.isDisabled(tid('handover-approve'))).toBe(true);
    expect(await page.textContent(tid('handover-approve-own'))).toBe('不可處理或批核關於自己、或由自己擬定的交接計劃。');
    await page.click(`${tid('handover-item')} ${tid('successor-select')}`);
    await page.getByRole('option', { name: /kmchan/ }).click();
    await page.waitForSelector(`${tid('handover-item')}[data-successor="kmchan"]`);
    await expect.poll(() => page.getAttribute(tid('handover-assigned'), 'data-assigned')).toBe('1');
    // The helper sets the same successor everywhere.
    await page.click(tid('successor-all'));
    await page.getByRole('option', { name: /kmchan/ }).click();
    await page.click(tid('successor-all-apply'));
    await noToasts(page);
    await expectAccessible(page, 'handover-detail-zh');
    await shot(page, '52-handover-detail-zh');
  });

  it('the principal approves; the plans list shows it', async () => {
    principalApi = await request.newContext({ baseURL: server.base });
    const api = principalApi;
    const login = await api.post('/api/auth/login', { data: { username: 'lkho', password: PRINCIPAL_FIRST, school: '512345' } });
    expect(login.ok(), await login.text()).toBe(true);
    await write(api, 'post', '/api/account/password', { currentPassword: PRINCIPAL_FIRST, newPassword: PRINCIPAL_PASSWORD });
    const started = await write(api, 'post', '/api/account/mfa/enrol/start', {});
    const { secret } = (await started.json()) as { secret: string };
    await write(api, 'post', '/api/account/mfa/enrol/confirm', { code: await generate({ secret }) });
    // The author cannot approve their own plan.
    const own = await page.request.post(`/api/handover/plans/${planId}/approve`, {
      data: {},
      headers: { 'x-csrf-token': await csrf(page.request) },
    });
    expect(own.status()).toBe(403);
    await write(api, 'post', `/api/handover/plans/${planId}/approve`, {});
    await page.reload();
    await page.waitForSelector(`${tid('handover-detail')}:not([data-status="draft"])`);
    expect(await page.locator(tid('handover-approve')).count()).toBe(0);
    await switchLanguage(page, 'en');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    await expectAccessible(page, 'handover-detail-en');
    await shot(page, '53-handover-approved-en');
    await page.click(tid('handover-back'));
    await page.waitForSelector(`${tid('handover-row')}[data-username="ssoteacher"]:not([data-status="draft"])`);
    expect(await page.textContent(tid('handover-progress'))).toBe('1 / 1');
    await expectAccessible(page, 'handover-list-en');
    await shot(page, '54-handover-list-en');
  });
});
