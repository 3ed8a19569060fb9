import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAll,
  expectAccessible,
  noToasts,
  openOnPhone,
  PHONE,
  setUpSchoolInBrowser,
  shot,
  startBrowserServer,
  tid,
  write,
} from './helpers.js';

const PASSWORD = 'a long school passphrase 2026';
const TEACHER_PASSWORD = 'teacher initial passphrase';
let server: Awaited<ReturnType<typeof startBrowserServer>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // Behind the school's reverse proxy: the address comes from X-Forwarded-For.
  ({ server, browser, page } = await openOnPhone({ TRUST_PROXY: 'true' }));
});
afterAll(() => closeAll(browser, server));

async function signInAs(forwardedFor: string) {
  const other = await browser.newContext({ viewport: PHONE, baseURL: server.base, extraHTTPHeaders: { 'x-forwarded-for': forwardedFor } });
  const teacher = await other.newPage();
  await teacher.goto('/login');
  await teacher.fill(tid('login-username'), 'tmlee');
  await teacher.fill(tid('login-password'), TEACHER_PASSWORD);
  await teacher.click(tid('login-submit'));
  return { other, teacher };
}

describe('network zones through a trusted proxy', () => {
  it('sets up the school and its administrator', async () => {
    await setUpSchoolInBrowser(page, () => server.setupLink(), PASSWORD);
  });

  it('a school zone; administrators from the zone and the Internet, teachers from the zone only', async () => {
    const api = page.request;
    const roles = ((await (await api.get('/api/admin/roles')).json()) as { roles: { id: string; key: string | null }[] }).roles;
    const roleId = (key: string) => roles.find((r) => r.key === key)?.id ?? '';
    await write(api, 'post', '/api/admin/users', {
      username: 'tmlee',
      displayNameEn: 'Lee Tsz Ming',
      displayNameZh: '李子明',
      password: TEACHER_PASSWORD,
      roleIds: [roleId('teacher')],
    });
    await write(api, 'post', '/api/admin/network/zones', { nameZh: '校園網絡', nameEn: 'School network', cidrs: ['10.0.0.0/8'] });
    const zone = ((await (await api.get('/api/admin/network')).json()) as { zones: { id: string }[] }).zones[0]?.id ?? '';
    await write(api, 'put', '/api/admin/network/rules', {
      rules: [
        { roleId: roleId('system_admin'), zoneId: zone, timeProfileId: null },
        { roleId: roleId('system_admin'), zoneId: null, timeProfileId: null },
        { roleId: roleId('teacher'), zoneId: zone, timeProfileId: null },
      ],
    });
    await write(api, 'put', '/api/admin/network/settings', { enabled: true });
    expect(((await (await api.get('/api/admin/network')).json()) as { enabled: boolean }).enabled).toBe(true);
  });

  it('school holidays are entered on the network page', async () => {
    await page.goto('/admin/network');
    await page.waitForSelector(tid('holidays-table'));
    await page.click(tid('holiday-add'));
    await page.fill(tid('holiday-day'), '2026-12-25');
    await page.fill(tid('holiday-name-zh'), '聖誕節');
    await page.fill(tid('holiday-name-en'), 'Christmas Day');
    await page.click(tid('holiday-add'));
    await page.locator(tid('holiday-day')).nth(1).fill('2026-12-26');
    await page.locator(tid('holiday-name-zh')).nth(1).fill('聖誕節後第一個周日');
    await page.locator(tid('holiday-name-en')).nth(1).fill('The first weekday after Christmas Day');
    await page.locator(tid('holiday-remove')).nth(1).click();
    expect(await page.locator(tid('holiday-row')).count()).toBe(1);
    await page.click(tid('holidays-save'));
    await expect
      .poll(async () => ((await (await page.request.get('/api/admin/network')).json()) as { holidays: unknown[] }).holidays)
      .toEqual([{ day: '2026-12-25', nameZh: '聖誕節', nameEn: 'Christmas Day' }]);
    await page.waitForSelector(`${tid('holiday-row')}[data-day="2026-12-25"]`);
    await noToasts(page);
    await expectAccessible(page, 'network-holidays');
    await page.locator(tid('holidays-table')).screenshot({ path: 'test-results/screenshots/56-holidays-zh.png' });
  });

  it('the teacher is refused from an outside address and told which rule', async () => {
    const { other, teacher } = await signInAs('203.0.113.9');
    try {
      await teacher.waitForSelector(`${tid('form-error')}[data-code="network_refused"]`);
      expect(await teacher.getAttribute(tid('form-error-rule'), 'data-rule')).toBe('zone_not_allowed');
      await expectAccessible(teacher, 'login-refused-proxy');
      await shot(teacher, '55-login-refused-proxy-zh');
    } finally {
      await other.close();
    }
  });

  it('the teacher signs in from the school network', async () => {
    const { other, teacher } = await signInAs('10.1.2.3');
    try {
      await teacher.waitForURL((url) => url.pathname !== '/login');
      expect(await teacher.locator(tid('form-error')).count()).toBe(0);
      const me = (await (await teacher.request.get('/api/auth/me')).json()) as { user: { username: string } };
      expect(me.user.username).toBe('tmlee');
    } finally {
      await other.close();
    }
  });
});
