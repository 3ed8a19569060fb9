/**
 * Issue 14 items 1, 3 and 5 in Chromium: no internal code reaches a person. The office clerk and
 * the principal read the users, audit, sessions and account pages and their notifications in
 * Chinese and English; no hex id, check key (memo.…), audit action (auth.…), rule pattern or raw
 * browser string is on the screen, roles are named in the reader's language, and single sign-on is
 * offered only when set up, its errors in words.
 */
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, launch, setUpSchoolInBrowser, startBrowserServer, switchLanguage, tid, write } from './helpers.js';

const PASSWORD = 'a long school passphrase 2026';
const DESKTOP = { width: 1440, height: 900 };
let server: Awaited<ReturnType<typeof startBrowserServer>>;
let browser: Browser;
let admin: Page;

/** A hex id (8+ characters with both a letter a–f and a digit), a check key, an audit action, a pattern, a user-agent string. */
const CODES: [string, RegExp][] = [
  ['hex id', /\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/],
  ['check key', /memo\.[A-Z]\d/],
  ['audit action', /\b(?:auth|users|roles|sessions|account|setup)\.[a-z_]+/],
  ['pattern', /\^\[|\[0-9\]|\{\d+\}|\$\s*$/m],
  ['user agent', /Mozilla\/5\.0|AppleWebKit/],
  ['i18n key', /\b(?:labels|auditActions|checkTitles|notifications|errors)\.[A-Za-z_]+/],
];

async function expectNoCodes(page: Page, where: string): Promise<string> {
  const text = await page.locator('body').innerText();
  for (const [what, pattern] of CODES) expect(text, `${where}: ${what} ${pattern.exec(text)?.[0] ?? ''}`).not.toMatch(pattern);
  return text;
}

/** Open the notifications and return what they say (the popover closes again). */
async function notificationsText(page: Page): Promise<string> {
  await page.click(tid('notifications-bell'));
  await page.waitForSelector(tid('notification'));
  const text = await page.locator(tid('notifications-list')).innerText();
  await page.keyboard.press('Escape');
  return text;
}

async function signIn(page: Page, username: string, enrol: boolean): Promise<void> {
  await page.goto('/login');
  await page.fill(tid('login-username'), username);
  await page.fill(tid('login-password'), PASSWORD);
  await page.click(tid('login-submit'));
  if (enrol) {
    await page.waitForSelector(tid('totp-secret'));
    const secret = (await page.textContent(tid('totp-secret')))?.trim() ?? '';
    await page.fill(tid('enrol-code'), await generate({ secret }));
    await page.click(tid('enrol-submit'));
    await page.waitForSelector(tid('recovery-codes'));
    await page.click(tid('recovery-continue'));
  }
  await page.waitForSelector(tid('notifications-bell'));
}

beforeAll(async () => {
  server = await startBrowserServer();
  browser = await launch();
  admin = await newPage();
});

/** A page of its own context; generous waits, since the machine running the suite may be busy. */
async function newPage(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: DESKTOP, baseURL: server.base })).newPage();
  page.setDefaultTimeout(90_000);
  return page;
}
afterAll(() => closeAll(browser, server));

describe('no internal code reaches a person', () => {
  it('sets up the school, an office clerk and a principal, and a check that needs attention', async () => {
    await setUpSchoolInBrowser(admin, () => server.setupLink(), PASSWORD);
    const names = (await (await admin.request.get('/api/admin/role-names')).json()) as { roles: { id: string; key: string | null }[] };
    const roleId = (key: string) => names.roles.find((r) => r.key === key)?.id;
    const people = [
      { username: 'goclerk', displayNameEn: 'Lee Man Yee', displayNameZh: '李文怡', role: 'office_staff' },
      { username: 'lkho', displayNameEn: 'Ho Lai Kwan', displayNameZh: '何麗君', role: 'principal' },
    ];
    for (const p of people)
      await write(admin.request, 'post', '/api/admin/users', {
        username: p.username,
        displayNameEn: p.displayNameEn,
        displayNameZh: p.displayNameZh,
        password: PASSWORD,
        roleIds: [roleId(p.role)],
      });
    await server.deps.db.systemTx(async (q) => {
      // The first sign-in's password change is not what this test is about.
      await q.query("UPDATE users SET must_change_password = false WHERE username IN ('goclerk', 'lkho')");
      // What the daily check job writes when a check needs attention (the notification stores the check's key).
      await q.query(
        `INSERT INTO notifications (school_id, user_id, kind, title_key, params, created_at)
         SELECT school_id, id, 'security.check_failing', 'notifications.checkFailing', '{"check": "memo.U2.sso-policy"}'::jsonb, now()
           FROM users WHERE username IN ('goclerk', 'lkho')`,
      );
    });
  }, 600_000);

  it('the office clerk sees roles by name, no empty actions column, and notifications in words (zh, en)', async () => {
    const page = await newPage();
    // Revealing identity numbers is a security right: the clerk, too, enrols an authenticator.
    await signIn(page, 'goclerk', true);
    for (const [language, role, check, actions] of [
      ['zh', '校務處職員', '每年覆核統一登入（CLO）安排', '操作'],
      ['en', 'General Office Staff', 'Unified login (single sign-on) reviewed every year', 'Actions'],
    ] as const) {
      if (language === 'en') await switchLanguage(page, 'en');
      await page.goto('/admin/users');
      await page.waitForSelector(tid('user-row-goclerk'));
      await expect.poll(() => page.locator(tid('user-row-goclerk')).innerText()).toContain(role);
      expect(await page.locator(tid('user-row-smwong')).innerText()).not.toBe('');
      const text = await expectNoCodes(page, `users ${language}`);
      // The clerk may do nothing to an account: there is no actions column to leave empty.
      expect(await page.locator('th', { hasText: new RegExp(`^${actions}$`) }).count()).toBe(0);
      expect(text).not.toContain('goclerk ');
      const said = await notificationsText(page);
      expect(said).toContain(check);
      await page.goto('/account');
      await page.waitForSelector(tid('session-browser'));
      expect(await page.locator(tid('session-browser')).first().innerText()).toMatch(/^Chrome \d+ · Linux$/);
      await expectNoCodes(page, `account ${language}`);
    }
  }, 600_000);

  it('the principal reads the audit log, sessions and users in words (zh, en)', async () => {
    const page = await newPage();
    await signIn(page, 'lkho', true);
    for (const language of ['zh', 'en'] as const) {
      if (language === 'en') await switchLanguage(page, 'en');
      await page.goto('/audit');
      await page.waitForSelector(`${tid('audit-row')}[data-action="auth.login"]`);
      const audit = await expectNoCodes(page, `audit ${language}`);
      // Targets by kind and name: the administrator's account, the roles given.
      expect(audit).toContain(language === 'zh' ? '帳戶 黃小明' : 'Account Wong Siu Ming');
      // The action filter offers words; choosing one filters by it.
      const signedIn = language === 'zh' ? '登入' : 'Signed in';
      await page.click(tid('audit-filter-action'));
      await page.fill(tid('audit-filter-action'), signedIn);
      await page.getByRole('option', { name: signedIn, exact: true }).click();
      await page.click(tid('audit-filter-apply'));
      await expect
        .poll(async () => {
          const actions = await Promise.all((await page.locator(tid('audit-row')).all()).map((r) => r.getAttribute('data-action')));
          return actions.length > 0 && actions.every((a) => a === 'auth.login');
        })
        .toBe(true);

      await page.goto('/admin/sessions');
      await page.waitForSelector(tid('sessions-table'));
      expect(await page.locator(tid('session-browser')).first().innerText()).toMatch(/^Chrome \d+ · Linux$/);
      await expectNoCodes(page, `sessions ${language}`);

      await page.goto('/admin/users');
      await page.waitForSelector(tid('user-row-lkho'));
      await expect.poll(() => page.locator(tid('user-row-lkho')).innerText()).toContain(language === 'zh' ? '校長' : 'Principal');
      await expectNoCodes(page, `users ${language}`);
      expect(await notificationsText(page)).not.toMatch(/memo\./);
    }
  }, 600_000);

  it('the sign-in page offers single sign-on only when set up, and its errors are words, not JSON (zh, en)', async () => {
    const page = await newPage();
    for (const [language, message] of [
      ['zh', '學校未啟用統一登入。'],
      ['en', 'The school has not switched on single sign-on.'],
    ] as const) {
      // Wait for the page's question to the server before concluding the button is absent.
      const asked = page.waitForResponse((r) => r.url().includes('/api/sso/options'), { timeout: 30_000 }).catch(() => undefined);
      await page.goto('/login');
      await page.waitForSelector(tid('login-username'));
      await asked;
      if (language === 'en') await switchLanguage(page, 'en');
      expect(await page.locator(tid('login-sso')).count()).toBe(0);
      // Opened by hand (an old bookmark), the start of single sign-on comes back to the sign-in page in words.
      await page.goto('/api/sso/start');
      await page.waitForURL(/\/login\?sso_error=sso_unavailable$/);
      await page.waitForSelector('[role="alert"]');
      expect(await page.locator('[role="alert"]').innerText()).toContain(message);
      const text = await expectNoCodes(page, `sign-in ${language}`);
      expect(text).not.toContain('sso_unavailable');
    }
    await page.context().close();
  }, 600_000);
});
