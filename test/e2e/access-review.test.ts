import { generate } from 'otplib';
import { type APIRequestContext, type Browser, type Page, request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAll,
  csrf,
  expectAccessible,
  modalSettled,
  noToasts,
  openNav,
  openOnPhone,
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
let browser: Browser;
let page: Page;
let principalApi: APIRequestContext | undefined;
let reviewId = '';

beforeAll(async () => {
  // A phone: the system administrator works through the yearly review between lessons.
  ({ server, browser, page } = await openOnPhone());
});
afterAll(() => closeAll(principalApi, browser, server));

describe('access review, network rules and notification list in Chromium', () => {
  it('sets up the school and its administrator', async () => {
    await setUpSchoolInBrowser(page, () => server.setupLink(), PASSWORD);
  });

  it('creates a principal and a teacher', async () => {
    const roles = ((await (await page.request.get('/api/admin/roles')).json()) as { roles: { id: string; key: string | null }[] }).roles;
    const roleId = (key: string) => roles.find((r) => r.key === key)?.id ?? '';
    const token = await csrf(page.request);
    for (const user of [
      {
        username: 'lkho',
        displayNameEn: 'Ho Lai Kwan',
        displayNameZh: '何麗君',
        password: PRINCIPAL_FIRST,
        roleIds: [roleId('principal')],
      },
      {
        username: 'tmlee',
        displayNameEn: 'Lee Tsz Ming',
        displayNameZh: '李子明',
        password: 'teacher initial passphrase',
        roleIds: [roleId('teacher')],
      },
    ]) {
      const created = await page.request.post('/api/admin/users', { data: user, headers: { 'x-csrf-token': token } });
      expect(created.status(), await created.text()).toBe(201);
    }
  });

  it('starts a review: the administrator reviews, the principal reviews the administrator', async () => {
    await openNav(page, 'reviews');
    await page.waitForSelector(tid('reviews-table'));
    await expectAccessible(page, 'reviews-empty');
    await page.click(tid('review-new'));
    await page.fill(tid('review-form-name'), '2026 年度權限審核');
    expect(await page.getAttribute(tid('review-form-due'), 'data-value')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The administrator holds a role in the review, so a second reviewer is needed: said before submitting, not after a refusal.
    await page.waitForSelector(tid('review-own-explain'));
    expect(await page.getAttribute(tid('review-form-items'), 'data-items')).toBe('3');
    expect(await page.isDisabled(tid('review-form-submit'))).toBe(true);
    await page.click(tid('review-form-second'));
    await page.getByRole('option', { name: /lkho/ }).click();
    await page.click(tid('review-form-submit'));
    await page.waitForURL(/\/admin\/reviews\/[0-9a-f-]{36}$/);
    reviewId = page.url().split('/').pop() ?? '';
    await page.waitForSelector(`${tid('review-detail')}[data-review-id="${reviewId}"]`);
    expect(await page.locator(tid('review-item')).count()).toBe(3);
    expect(await page.getAttribute(tid('review-counts'), 'data-decided')).toBe('0');
    // Nobody decides about themselves: the administrator's own item has no buttons here.
    expect(await page.locator(`${tid('review-item')}[data-username="smwong"] ${tid('item-keep')}`).count()).toBe(0);
    expect(await page.locator(`${tid('review-item')}[data-username="smwong"]`).textContent()).toContain('系統管理員');
    await noToasts(page);
    await expectAccessible(page, 'review-detail-open');
    await shot(page, '40-review-open-zh');
  });

  it('decides every item assigned to the administrator: removes the teacher, keeps the principal', async () => {
    await page.click(tid('review-only-mine'));
    await expect.poll(() => page.locator(tid('review-item')).count()).toBe(2);
    // Remove the teacher: no recommendation, so the reason is typed.
    await page.click(`${tid('review-item')}[data-username="tmlee"] ${tid('item-remove')}`);
    await page.waitForSelector(tid('item-reason'));
    expect(await page.isDisabled(tid('item-reason-submit'))).toBe(true);
    await page.fill(tid('item-reason'), '已調往他校任教');
    await modalSettled(page);
    await expectAccessible(page, 'review-reason');
    await page.click(tid('item-reason-submit'));
    await page.waitForSelector(`${tid('review-item')}[data-username="tmlee"][data-decision="remove"]`);
    // Keep the principal: the reason comes prefilled.
    await page.click(`${tid('review-item')}[data-username="lkho"] ${tid('item-keep')}`);
    await page.waitForSelector(tid('item-reason'));
    expect((await page.inputValue(tid('item-reason'))).length).toBeGreaterThanOrEqual(3);
    await page.click(tid('item-reason-submit'));
    await page.waitForSelector(`${tid('review-item')}[data-username="lkho"][data-decision="keep"]`);
    expect(await page.locator(tid('item-keep')).count()).toBe(0);
    // The administrator's own item is still open, so the review cannot be completed yet.
    expect(await page.isDisabled(tid('review-complete'))).toBe(true);
  });

  it('the principal decides about the administrator (after changing the password and enrolling TOTP)', async () => {
    principalApi = await request.newContext({ baseURL: server.base });
    const api = principalApi;
    const login = await api.post('/api/auth/login', { data: { username: 'lkho', password: PRINCIPAL_FIRST, school: '512345' } });
    expect(login.ok(), await login.text()).toBe(true);
    await write(api, 'post', '/api/account/password', { currentPassword: PRINCIPAL_FIRST, newPassword: PRINCIPAL_PASSWORD });
    const started = await write(api, 'post', '/api/account/mfa/enrol/start', {});
    const { secret } = (await started.json()) as { secret: string };
    await write(api, 'post', '/api/account/mfa/enrol/confirm', { code: await generate({ secret }) });
    const me = (await (await api.get('/api/auth/me')).json()) as { stage: string };
    expect(me.stage).toBe('done');
    const detail = (await (await api.get(`/api/access-reviews/${reviewId}`)).json()) as {
      items: { id: string; username: string; decision: string | null }[];
    };
    const own = detail.items.find((i) => i.username === 'smwong');
    expect(own?.decision).toBeNull();
    // The principal cannot decide about themselves either.
    const self = detail.items.find((i) => i.username === 'lkho');
    const refused = await api.put(`/api/access-reviews/${reviewId}/items/${self?.id}`, {
      data: { decision: 'keep', reason: 'mine' },
      headers: { 'x-csrf-token': await csrf(api) },
    });
    expect(refused.status()).toBe(403);
    await write(api, 'put', `/api/access-reviews/${reviewId}/items/${own?.id}`, { decision: 'keep', reason: '校內唯一系統管理員' });
  });

  it('completes the review in the UI: status completed, report link', async () => {
    await page.reload();
    await page.waitForSelector(`${tid('review-counts')}[data-decided="3"]`);
    expect(await page.isDisabled(tid('review-complete'))).toBe(false);
    await page.click(tid('review-complete'));
    await page.waitForSelector(tid('review-complete-confirm'));
    await modalSettled(page);
    await expectAccessible(page, 'review-complete-confirm');
    await page.click(tid('review-complete-confirm'));
    await page.waitForSelector(`${tid('review-detail')}[data-status="completed"]`);
    const href = (await page.getAttribute(tid('review-report'), 'href')) ?? '';
    expect(href).toBe(`/api/access-reviews/${reviewId}/report`);
    expect(await page.getAttribute(tid('review-report-pdf'), 'href')).toBe(`/api/access-reviews/${reviewId}/report?format=pdf`);
    const csv = await page.request.get(href);
    expect(csv.ok()).toBe(true);
    expect(await csv.text()).toMatch(/tmlee.*remove/);
    // The teacher no longer holds the role.
    const users = (await (await page.request.get('/api/admin/users')).json()) as { users: { username: string; roleIds: string[] }[] };
    expect(users.users.find((u) => u.username === 'tmlee')?.roleIds).toEqual([]);
    expect(await page.locator(tid('review-item')).count()).toBe(3);
    await noToasts(page);
    await expectAccessible(page, 'review-detail-completed');
    await shot(page, '41-review-completed-zh');
    await switchLanguage(page, 'en');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    await expectAccessible(page, 'review-detail-en');
    await shot(page, '42-review-completed-en');
    await page.click(tid('review-back'));
    await page.waitForSelector(`${tid('review-row')}[data-status="completed"]`);
    expect(await page.textContent(tid('review-progress'))).toBe('3 / 3');
    await expectAccessible(page, 'reviews-list');
    await shot(page, '43-reviews-en');
  });

  it('network page: zone, time profile, no self-lockout, rules', async () => {
    await openNav(page, 'network');
    await page.waitForSelector(tid('rules-grid'));
    await expectAccessible(page, 'network-empty');
    // Switching on with no rules would lock the administrator out.
    await page.click(tid('network-enabled'));
    await page.waitForSelector(`${tid('network-enabled-error')}[data-code="network_self_lockout"]`);

    await page.click(tid('zone-new'));
    await page.fill(tid('zone-form-name-zh'), '校園網絡');
    await page.fill(tid('zone-form-name-en'), 'School network');
    await page.fill(tid('zone-form-cidrs'), '10.20.0.0/16\n192.168.50.0/24');
    await modalSettled(page);
    await expectAccessible(page, 'zone-form');
    await page.click(tid('zone-form-submit'));
    await page.waitForSelector(`${tid('zone-row')}[data-zone-name="School network"]`);

    await page.click(tid('profile-new'));
    await page.fill(tid('profile-form-name-zh'), '上課日');
    await page.fill(tid('profile-form-name-en'), 'School days');
    await page.fill(tid('profile-form-from'), '07:00');
    await page.fill(tid('profile-form-to'), '19:00');
    await page.click(tid('profile-form-holidays'));
    await page.getByRole('option', { name: 'Closed on school holidays' }).click();
    await page.click(tid('profile-form-submit'));
    await page.waitForSelector(`${tid('profile-row')}[data-profile-name="School days"]`);
    expect(await page.textContent(`${tid('profile-row')}[data-profile-name="School days"]`)).toContain('07:00–19:00');

    // Administrators from the Internet at any time; teachers from the Internet on school days only.
    await page.check(tid('rule-system_admin-internet'));
    await page.check(tid('rule-teacher-internet'));
    // On a phone the confirmation of the new time profile can cover the list that opens next.
    await noToasts(page);
    await page.click(tid('rule-time-teacher'));
    await page.getByRole('option', { name: 'School days' }).click();
    await page.click(tid('rules-save'));
    await noToasts(page);
    const network = (await (await page.request.get('/api/admin/network')).json()) as {
      rules: { zoneId: string | null; timeProfileId: string | null }[];
      profiles: { id: string }[];
    };
    expect(network.rules).toHaveLength(2);
    expect(network.rules.filter((r) => r.zoneId === null && r.timeProfileId === network.profiles[0]?.id)).toHaveLength(1);

    await page.click(tid('network-reviewed'));
    await expect.poll(() => page.getAttribute(tid('network-reviewed-at'), 'data-reviewed-at')).not.toBe('');
    await noToasts(page);
    await expectAccessible(page, 'network-en');
    await shot(page, '44-network-en');
    await switchLanguage(page, 'zh');
    await page.locator('html[lang="zh-HK"]').waitFor({ state: 'attached' });
    await expectAccessible(page, 'network-zh');
    await shot(page, '45-network-zh');
  });

  it('with the rules on, the principal is refused at sign-in and told which rule', async () => {
    await page.click(tid('network-enabled'));
    await page.waitForSelector(`${tid('network-page')}[data-enabled="true"]`);
    const other = await browser.newContext({ viewport: { width: 375, height: 812 }, baseURL: server.base });
    try {
      const principal = await other.newPage();
      await principal.goto('/login');
      await principal.fill(tid('login-username'), 'lkho');
      await principal.fill(tid('login-password'), PRINCIPAL_PASSWORD);
      await principal.click(tid('login-submit'));
      await principal.waitForSelector(`${tid('form-error')}[data-code="network_refused"]`);
      expect(await principal.getAttribute(tid('form-error-rule'), 'data-rule')).toBe('zone_not_allowed');
      expect(await principal.textContent(tid('form-error-rule'))).toBe('你的角色不可從此網絡登入。');
      await expectAccessible(principal, 'login-refused');
      await shot(principal, '46-login-network-refused-zh');
    } finally {
      await other.close();
    }
    await page.click(tid('network-enabled'));
    await page.waitForSelector(`${tid('network-page')}[data-enabled="false"]`);
  });

  it('security notification list: a person and an outside address, saved and signed off', async () => {
    await openNav(page, 'notification-list');
    await page.waitForSelector(tid('notify-list-table'));
    await page.waitForSelector(tid('notify-list-fallback'));
    await expectAccessible(page, 'notification-list-empty');
    await page.click(tid('notify-list-person'));
    await page.getByRole('option', { name: /lkho/ }).click();
    await page.click(tid('notify-list-add-person'));
    await page.fill(tid('notify-list-email'), 'not an address');
    await page.click(tid('notify-list-add-email'));
    await page.waitForSelector(`${tid('notify-list-email')}[aria-invalid="true"]`);
    await page.fill(tid('notify-list-email'), 'supervisor@stmarys.edu.hk');
    await page.click(tid('notify-list-add-email'));
    const outside = page.locator(`${tid('notify-list-entry')}[data-who="supervisor@stmarys.edu.hk"]`);
    await outside.waitFor();
    // The supervisor hears only about system-administrator rights and the school key.
    for (const event of [
      'account_locked',
      'network_refused',
      'backup_downloaded',
      'school_key_locked',
      'check_failing',
      'security_finding',
      'break_glass_used',
    ])
      await outside.locator(tid(`notify-event-${event}`)).uncheck();
    await page.click(tid('notify-list-save'));
    await noToasts(page);
    const saved = (await (await page.request.get('/api/admin/notification-list')).json()) as {
      entries: { username: string | null; email: string | null; events: string[] }[];
    };
    expect(saved.entries).toHaveLength(2);
    expect(saved.entries.find((e) => e.email === 'supervisor@stmarys.edu.hk')?.events.sort()).toEqual([
      'privileged_changed',
      'school_key_changed',
    ]);
    expect(saved.entries.find((e) => e.username === 'lkho')?.events).toHaveLength(9);
    await page.click(tid('notify-list-signoff'));
    await expect.poll(() => page.getAttribute(tid('notify-list-reviewed'), 'data-reviewed-at')).not.toBe('');
    expect(await page.textContent(tid('notify-list-reviewed'))).toContain('smwong');
    await noToasts(page);
    await expectAccessible(page, 'notification-list-zh');
    await shot(page, '47-notification-list-zh');
    await switchLanguage(page, 'en');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    await expectAccessible(page, 'notification-list-en');
    await shot(page, '48-notification-list-en');
  });
});
