import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, expectAccessible, openOnPhone, shot, startBrowserServer, switchLanguage, signOut } from './helpers.js';

const PASSWORD = 'a long school passphrase 2026';
let server: Awaited<ReturnType<typeof startBrowserServer>>;
let browser: Browser;
let page: Page;
let secret = '';
let link = '';

beforeAll(async () => {
  // A phone: the principal checks the dashboard between meetings.
  ({ server, browser, page } = await openOnPhone());
});
afterAll(() => closeAll(browser, server));

const tid = (id: string) => `[data-testid="${id}"]`;

describe('first run in Chromium', () => {
  it('sets up the school, shows the school key once and enrols TOTP', async () => {
    link = await server.setupLink();
    await page.goto(link);
    await page.waitForSelector(tid('setup-school-name-zh'));
    await expectAccessible(page, 'setup');
    await page.fill(tid('setup-school-name-zh'), '聖瑪利亞書院');
    await page.fill(tid('setup-school-name-en'), "St. Mary's College");
    await page.fill(tid('setup-school-number'), '512345');
    await page.fill(tid('setup-admin-name-en'), 'Wong Siu Ming');
    await page.fill(tid('setup-admin-name-zh'), '黃小明');
    await page.fill(tid('setup-admin-email'), 'sm.wong@stmarys.edu.hk');
    await page.fill(tid('setup-admin-username'), 'smwong');
    await page.fill(tid('setup-admin-password'), PASSWORD);
    await page.fill(tid('setup-admin-password-confirm'), PASSWORD);
    await shot(page, '01-setup-form');
    await page.click(tid('setup-submit'));
    await page.waitForSelector(tid('school-key-words'));
    expect(await page.locator(tid('school-key-word')).count()).toBe(24);
    const firstKey = await page.locator(tid('school-key-word')).allTextContents();
    await shot(page, '02-school-key');

    // Reloading on the school key page (issue 14 item 14): back at the form with what was typed
    // (never the password), the link still works, and the next key is a fresh one.
    await page.reload();
    await page.waitForSelector(tid('setup-school-name-zh'));
    expect(await page.locator(tid('setup-invalid')).count()).toBe(0);
    expect(await page.inputValue(tid('setup-school-name-zh'))).toBe('聖瑪利亞書院');
    expect(await page.inputValue(tid('setup-admin-username'))).toBe('smwong');
    expect(await page.inputValue(tid('setup-admin-password'))).toBe('');
    await page.fill(tid('setup-admin-password'), PASSWORD);
    await page.fill(tid('setup-admin-password-confirm'), PASSWORD);
    await page.click(tid('setup-submit'));
    await page.waitForSelector(tid('school-key-words'));
    const secondKey = await page.locator(tid('school-key-word')).allTextContents();
    expect(secondKey).toHaveLength(24);
    expect(secondKey).not.toEqual(firstKey);
    await page.check(tid('school-key-ack'));
    await page.click(tid('school-key-continue'));
    await page.waitForSelector(tid('totp-secret'));
    secret = (await page.textContent(tid('totp-secret')))?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await expectAccessible(page, 'enrol-mfa');
    await shot(page, '03-enrol');
    await page.fill(tid('enrol-code'), await generate({ secret }));
    await page.click(tid('enrol-submit'));
    await page.waitForSelector(tid('recovery-codes'));
    expect(await page.locator(tid('recovery-code')).count()).toBe(10);
    await page.click(tid('recovery-continue'));
    await page.waitForSelector(tid('check-memo.S1.admin-mfa'));
    expect(await page.getAttribute(tid('check-memo.S1.admin-mfa'), 'data-status')).toBe('ok');
    expect(await page.getAttribute(tid('check-memo.U1.privileged-count'), 'data-status')).toBe('ok');
    await expectAccessible(page, 'dashboard');
    await shot(page, '04-dashboard-zh');
  });

  it('says what to do next with a used link, and with one it does not know', async () => {
    await page.goto(link);
    await page.waitForSelector(tid('setup-invalid'));
    expect(await page.getAttribute(tid('setup-invalid'), 'data-state')).toBe('used');
    // Signed in already: the way on is into the system, and no school key is shown again.
    await page.waitForSelector(tid('setup-sign-in'));
    expect(await page.locator(tid('school-key-word')).count()).toBe(0);
    await shot(page, '04b-setup-link-used');
    await page.goto(`/setup/${'x'.repeat(32)}`);
    await page.waitForSelector(tid('setup-new-link'));
    expect(await page.textContent(tid('setup-new-link'))).toContain('npm run cli -- school create');
    await page.goto('/');
    await page.waitForSelector(tid('check-memo.S1.admin-mfa'));
  });

  it('switches language and remembers it for the person', async () => {
    expect(await page.getAttribute('html', 'lang')).toBe('zh-HK');
    const zhNav = await page.textContent(tid('nav-dashboard'));
    await switchLanguage(page, 'en');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    const enNav = await page.textContent(tid('nav-dashboard'));
    expect(enNav).not.toBe(zhNav);
    expect(enNav).toMatch(/Dashboard/i);
    await shot(page, '05-dashboard-en');
    await page.reload();
    await page.waitForSelector(tid('check-memo.S1.admin-mfa'));
    expect(await page.getAttribute('html', 'lang')).toBe('en');
  });

  it('signs out and signs in again with the school code, password and TOTP', async () => {
    await signOut(page);
    await page.waitForSelector(tid('login-username'));
    await expectAccessible(page, 'login');
    // The only school's code is offered; a wrong one gets the same answer as a wrong password.
    await page.locator(`${tid('login-school')}[value="512345"]`).waitFor();
    await page.fill(tid('login-school'), '599999');
    await page.fill(tid('login-username'), 'smwong');
    await page.fill(tid('login-password'), PASSWORD);
    await page.click(tid('login-submit'));
    await page.waitForSelector(tid('form-error'));
    const wrongSchool = await page.textContent(tid('form-error'));
    await page.fill(tid('login-school'), '512345');
    await page.fill(tid('login-password'), 'wrong password entirely');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/auth/login')), page.click(tid('login-submit'))]);
    await page.waitForSelector(tid('form-error'));
    expect(await page.textContent(tid('form-error'))).toBe(wrongSchool);
    await shot(page, '06-login-error');
    await page.fill(tid('login-password'), PASSWORD);
    await page.click(tid('login-submit'));
    await page.waitForSelector(tid('mfa-code'));
    // The browser remembers the code it signed in with.
    expect(await page.evaluate(() => localStorage.getItem('schoolCode'))).toBe('512345');
    // The enrolment code's time step was used; the next step's code is within the accepted window.
    await page.fill(tid('mfa-code'), await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.click(tid('mfa-submit'));
    await page.waitForSelector(tid('check-memo.S1.admin-mfa'));
  });

  it('shows the audit log with the sign-ins, filtered by action', async () => {
    // On a phone the navigation opens from the menu button.
    await page.click(tid('nav-burger'));
    await page.click(tid('nav-audit'));
    await page.waitForSelector(tid('audit-table'));
    await page.waitForSelector(`${tid('audit-row')}[data-action="auth.login"]`);
    await expectAccessible(page, 'audit');
    await shot(page, '07-audit');
    // The action is chosen by its words, not typed as a code (the person chose English above).
    const failed = (await page.getAttribute('html', 'lang')) === 'en' ? 'Sign-in failed' : '登入失敗';
    await page.click(tid('audit-filter-action'));
    await page.fill(tid('audit-filter-action'), failed);
    await page.getByRole('option', { name: failed, exact: true }).click();
    await page.click(tid('audit-filter-apply'));
    // (The page's CSP forbids eval, so poll from here instead of page.waitForFunction.)
    await expect
      .poll(
        async () => {
          const actions = await Promise.all((await page.locator(tid('audit-row')).all()).map((r) => r.getAttribute('data-action')));
          return actions.length > 0 && actions.every((a) => a === 'auth.login_failed');
        },
        { timeout: 10_000 },
      )
      .toBe(true);
  });

  it('the other shell pages are accessible at phone width', async () => {
    for (const [path, ready, name] of [
      ['/account', 'my-sessions', 'account'],
      ['/admin/outbox', 'outbox-page', 'outbox'],
      ['/admin/users', 'users-table', 'users'],
      ['/admin/sessions', 'sessions-table', 'sessions'],
    ] as const) {
      await page.goto(path);
      await page.waitForSelector(tid(ready));
      await expectAccessible(page, name);
      await shot(page, `08-${name}`);
    }
  });
});
