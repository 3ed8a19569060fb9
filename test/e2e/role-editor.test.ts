import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAll,
  expectAccessible,
  openNav,
  openOnPhone,
  setUpSchoolInBrowser,
  shot,
  startBrowserServer,
  tid,
  switchLanguage,
} from './helpers.js';

const PASSWORD = 'a long school passphrase 2026';
let server: Awaited<ReturnType<typeof startBrowserServer>>;
let browser: Browser;
let page: Page;
let roleId = '';

beforeAll(async () => {
  // A phone: the system administrator sets up a new duty between lessons.
  ({ server, browser, page } = await openOnPhone());
});
afterAll(() => closeAll(browser, server));

/** The last day of next school year: an end date that is always in the future. */
const END_DATE = `${new Date().getFullYear() + 1}-08-31`;

describe('role editor in Chromium', () => {
  it('sets up the school and its administrator', async () => {
    await setUpSchoolInBrowser(page, () => server.setupLink(), PASSWORD);
  });

  it('creates a second person on the Users page', async () => {
    await openNav(page, 'users');
    await page.waitForSelector(tid('users-table'));
    await page.click(tid('user-create'));
    await page.fill(tid('user-create-username'), 'kmchan');
    await page.fill(tid('user-create-name-en'), 'Chan Ka Man');
    await page.fill(tid('user-create-name-zh'), '陳嘉敏');
    await page.fill(tid('user-create-password'), 'activities coordinator passphrase');
    await page.click(tid('user-create-submit'));
    await page.waitForSelector(tid('user-row-kmchan'));
  });

  it('lists the memo template roles', async () => {
    await openNav(page, 'roles');
    await page.waitForSelector(tid('roles-table'));
    expect(await page.locator(`${tid('role-row')}[data-role-key="system_admin"]`).count()).toBe(1);
    expect(await page.locator(`${tid('role-row')}[data-role-key="system_admin"] ${tid('role-member-count')}`).textContent()).toBe('1');
    await expectAccessible(page, 'roles');
    await shot(page, '30-roles-zh');
  });

  it('creates "Activities Coordinator" with class lists and students of own classes', async () => {
    await page.click(tid('role-new'));
    await page.waitForSelector(tid('role-editor'));
    await page.fill(tid('role-name-zh'), '活動統籌');
    await page.fill(tid('role-name-en'), 'Activities Coordinator');
    // The search narrows the grid, by key or by the translated label.
    await page.fill(tid('role-permission-search'), 'students');
    await expect.poll(() => page.locator(tid('permission-row')).count()).toBe(4);
    await page.check(tid('grant-students.read'));
    await page.click(tid('scope-students.read'));
    await page.getByRole('option', { name: '任教班別', exact: true }).click();
    expect(await page.inputValue(tid('scope-students.read'))).toBe('任教班別');
    await page.fill(tid('role-permission-search'), 'classes.read');
    await expect.poll(() => page.locator(tid('permission-row')).count()).toBe(1);
    await page.check(tid('grant-classes.read'));
    await page.fill(tid('role-permission-search'), '');
    expect(await page.locator(tid('permission-group')).count()).toBe(7);
    await page.click(tid('role-save'));
    await page.waitForURL(/\/admin\/roles\/[0-9a-f-]{36}$/);
    roleId = page.url().split('/').pop() ?? '';
    await page.waitForSelector(`${tid('role-editor')}[data-role-id="${roleId}"]`);
    await page.waitForSelector(tid('role-members-none'));

    // What was saved comes back from the server.
    await page.reload();
    await page.waitForSelector(tid('role-editor'));
    expect(await page.isChecked(tid('grant-students.read'))).toBe(true);
    expect(await page.isChecked(tid('grant-classes.read'))).toBe(true);
    expect(await page.isChecked(tid('grant-students.manage'))).toBe(false);
    expect(await page.inputValue(tid('scope-students.read'))).toBe('任教班別');
    expect(await page.isDisabled(tid('scope-students.manage'))).toBe(true);
    // A role people made can be deleted; the memo's cannot.
    expect(await page.locator(tid('role-delete')).count()).toBe(1);
    expect(await page.locator(tid('role-template-note')).count()).toBe(0);
  });

  it('gives the role to the new person until the end of next school year', async () => {
    await page.click(tid('member-add'));
    await page.click(tid('member-user'));
    await page.getByRole('option', { name: /kmchan/ }).click();
    await page.fill(tid('member-ends'), END_DATE);
    await page.click(tid('member-submit'));
    const member = page.locator(`${tid('role-member')}[data-username="kmchan"]`);
    await member.waitFor();
    expect(await member.getAttribute('data-planned')).toBe('false');
    expect(await member.getAttribute('data-ends-on')).toBe(END_DATE);
    await page.locator(tid('member-submit')).waitFor({ state: 'detached' });
    await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached', timeout: 15_000 });
    await expectAccessible(page, 'role-editor');
    await shot(page, '31-role-editor-zh');
    await switchLanguage(page, 'en');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    expect(await page.inputValue(tid('scope-students.read'))).toBe('Own classes');
    await expectAccessible(page, 'role-editor-en');
    await shot(page, '32-role-editor-en');
  });

  it('shows a memo template role as not deletable', async () => {
    await page.goto('/admin/roles');
    await page.waitForSelector(tid('roles-table'));
    expect(
      await page.locator(`${tid('role-row')}[data-role-name="Activities Coordinator"] ${tid('role-member-count')}`).textContent(),
    ).toBe('1');
    await page.click(`${tid('role-row')}[data-role-key="system_admin"] ${tid('role-open')}`);
    await page.waitForSelector(tid('role-template-note'));
    expect(await page.locator(tid('role-delete')).count()).toBe(0);
    expect(await page.locator(`${tid('role-member')}[data-username="smwong"]`).count()).toBe(1);
  });

  it('who can do what: students.read shows the new person limited to own classes', async () => {
    await openNav(page, 'access');
    await page.waitForSelector(tid('access-permission'));
    await page.click(tid('access-permission'));
    await page.fill(tid('access-permission'), 'students.read');
    await page.getByRole('option', { name: /\(students\.read\)/ }).click();
    const row = page.locator(`${tid('access-row')}[data-username="kmchan"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-scope')).toBe('own_classes');
    expect(await row.textContent()).toContain('Own classes');
    expect(await row.textContent()).toContain('Activities Coordinator');
    // The administrator holds it for the whole school.
    expect(await page.getAttribute(`${tid('access-row')}[data-username="smwong"]`, 'data-scope')).toBe('school');
    const href = (await page.getAttribute(tid('access-csv'), 'href')) ?? '';
    expect(href).toBe('/api/admin/access?permission=students.read&format=csv');
    const csv = await page.request.get(href);
    expect(csv.ok()).toBe(true);
    expect(await csv.text()).toMatch(/students\.read,own_classes,kmchan/);
    await page
      .locator('.mantine-Notification-root')
      .first()
      .waitFor({ state: 'detached', timeout: 15_000 })
      .catch(() => undefined);
    await expectAccessible(page, 'access-en');
    await shot(page, '33-access-en');
    await switchLanguage(page, 'zh');
    await page.locator('html[lang="zh-HK"]').waitFor({ state: 'attached' });
    expect(await row.textContent()).toContain('任教班別');
    expect(await row.textContent()).toContain('活動統籌');
    await expectAccessible(page, 'access-zh');
    await shot(page, '34-access-zh');
  });

  it('filters by person and shows all of their rights', async () => {
    await page.goto('/admin/access');
    await page.waitForSelector(tid('access-person'));
    await page.click(tid('access-person'));
    await page.getByRole('option', { name: /kmchan/ }).click();
    await expect.poll(() => page.locator(tid('access-row')).count()).toBe(2);
    const permissions = await Promise.all((await page.locator(tid('access-row')).all()).map((r) => r.getAttribute('data-permission')));
    expect(permissions.sort()).toEqual(['classes.read', 'students.read']);
  });
});
