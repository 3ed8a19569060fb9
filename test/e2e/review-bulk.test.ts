/**
 * Issue 14 items 6 and 10 in Chromium: a demo-size access review (89 people) decided in a few
 * clicks with bulk decisions, filters and undo; the users page searched and filtered at 1440 and
 * 390 pixels. People are made as rows: the test is about the screens, not about creating accounts.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAll,
  expectAccessible,
  launch,
  modalSettled,
  noToasts,
  setUpSchoolInBrowser,
  shot,
  startBrowserServer,
  tid,
  switchLanguage,
} from './helpers.js';

const PASSWORD = 'a long school passphrase 2026';
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
let server: Awaited<ReturnType<typeof startBrowserServer>>;
let browser: Browser;
let page: Page;
/** Clicks a person makes in the review, counted as the flow goes (typing is not a click). */
let clicks = 0;
const click = async (selector: string) => {
  clicks++;
  await page.click(selector);
};
const pickOption = async (name: RegExp | string) => {
  clicks++;
  await page.getByRole('option', { name }).click();
};

beforeAll(async () => {
  server = await startBrowserServer();
  browser = await launch();
  const context = await browser.newContext({ viewport: DESKTOP, baseURL: server.base });
  page = await context.newPage();
  // A page that breaks says why in the test's output.
  page.on('pageerror', (error) => console.log(`page error: ${error.message}`));
});
afterAll(() => closeAll(browser, server));

/** 88 staff besides the administrator: a principal, 63 teachers and 16 office staff who sign in, 8 teachers idle for a year. */
async function makeStaff(): Promise<void> {
  const db = server.deps.db;
  const now = new Date();
  const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
  await db.systemTx(async (q) => {
    const [school] = await q.query<{ id: string }>('SELECT id FROM schools LIMIT 1');
    const roles = new Map(
      (await q.query<{ id: string; template_key: string }>('SELECT id, template_key FROM roles WHERE school_id = $1', [school?.id])).map(
        (r) => [r.template_key, r.id],
      ),
    );
    const people: { username: string; en: string; zh: string; role: string; idle: boolean }[] = [
      { username: 'lkho', en: 'Ho Lai Kwan', zh: '何麗君', role: 'principal', idle: false },
    ];
    for (let n = 1; n <= 71; n++)
      people.push({ username: `t${String(n).padStart(3, '0')}`, en: `Chan Teacher ${n}`, zh: `陳老師${n}`, role: 'teacher', idle: n > 63 });
    for (let n = 1; n <= 16; n++)
      people.push({
        username: `go${String(n).padStart(3, '0')}`,
        en: `Lee Clerk ${n}`,
        zh: `李文員${n}`,
        role: 'office_staff',
        idle: false,
      });
    for (const p of people) {
      const [u] = await q.query<{ id: string }>(
        `INSERT INTO users (school_id, username, display_name_en, display_name_zh, password_hash, password_changed_at, created_at, last_login_at)
         VALUES ($1, $2, $3, $4, 'x', $5, $5, $6) RETURNING id`,
        [school?.id, p.username, p.en, p.zh, p.idle ? yearAgo : now, p.idle ? null : now],
      );
      await q.query('INSERT INTO user_roles (school_id, user_id, role_id, granted_at) VALUES ($1, $2, $3, $4)', [
        school?.id,
        u?.id,
        roles.get(p.role),
        now,
      ]);
    }
  });
}

const decided = async () => Number(await page.getAttribute(tid('review-counts'), 'data-decided'));

describe('a demo-size access review decided in bulk', () => {
  it('sets up the school with 89 people', async () => {
    await setUpSchoolInBrowser(page, () => server.setupLink(), PASSWORD);
    await makeStaff();
  });

  it('the start form says a second reviewer is needed before submitting', async () => {
    await page.goto('/admin/reviews');
    await page.waitForSelector(tid('reviews-table'));
    clicks = 0;
    await click(tid('review-new'));
    await page.fill(tid('review-form-name'), '2026 年度權限覆核');
    await page.waitForSelector(tid('review-own-explain'));
    expect(await page.getAttribute(tid('review-form-items'), 'data-items')).toBe('89');
    expect(await page.isDisabled(tid('review-form-submit'))).toBe(true);
    await modalSettled(page);
    await expectAccessible(page, 'review-start-second-needed');
    await click(tid('review-form-second'));
    await pickOption(/lkho/);
    await click(tid('review-form-submit'));
    await page.waitForURL(/\/admin\/reviews\/[0-9a-f-]{36}$/);
    await page.waitForSelector(tid('review-bulk'));
    expect(await page.locator(tid('review-item')).count()).toBe(89);
    // What completion needs, before anyone presses the button: every item, and the administrator's own one is the principal's.
    expect(await page.getAttribute(tid('review-requirements'), 'data-undecided')).toBe('89');
    await page.waitForSelector(tid('review-requirement-about-me'));
    await noToasts(page);
    await expectAccessible(page, 'review-bulk-open');
    await shot(page, '80-review-bulk-open-zh-1440');
  });

  it('keeps every item without a recommendation in two clicks, and undoes it', async () => {
    const startClicks = clicks;
    expect(await page.getAttribute(tid('bulk-keep-unrecommended'), 'data-count')).toBe('80');
    await click(tid('bulk-keep-unrecommended'));
    await page.waitForSelector(`${tid('bulk-modal')}[data-count="80"]`);
    expect((await page.inputValue(tid('bulk-reason'))).length).toBeGreaterThanOrEqual(3);
    await modalSettled(page);
    await expectAccessible(page, 'review-bulk-modal');
    await shot(page, '81-review-bulk-confirm-zh-1440');
    await click(tid('bulk-submit'));
    await expect.poll(decided).toBe(80);
    expect(clicks - startClicks).toBe(2);
    await noToasts(page);
    // Undo before completion: every one of the 80 is undecided again.
    await page.waitForSelector(`${tid('review-batch')}[data-items="80"]`);
    await page.click(tid('review-batch-undo'));
    await expect.poll(decided).toBe(0);
    expect(await page.locator(tid('review-batch')).count()).toBe(0);
    await noToasts(page);
  });

  it('decides by role, filters by recommendation and removes what is shown', async () => {
    // Every office-staff holding kept at once.
    await page.click(tid('bulk-role'));
    await page.getByRole('option', { name: /16/ }).click();
    await page.click(tid('bulk-role-keep'));
    await page.waitForSelector(`${tid('bulk-modal')}[data-count="16"]`);
    await page.click(tid('bulk-submit'));
    await expect.poll(decided).toBe(16);
    await noToasts(page);
    // The idle teachers: filtered by recommendation, removed together with the reason filled in.
    await page.click(tid('review-filter-recommendation'));
    await page.getByRole('option', { name: '60 日未有登入', exact: true }).click();
    await expect.poll(() => page.locator(tid('review-item')).count()).toBe(8);
    await page.click(tid('bulk-shown-remove'));
    await page.waitForSelector(`${tid('bulk-modal')}[data-count="8"]`);
    expect(await page.inputValue(tid('bulk-reason'))).not.toBe('');
    await page.click(tid('bulk-submit'));
    await expect.poll(decided).toBe(24);
    await noToasts(page);
    // The rest kept: the administrator's own item stays for the principal.
    await page.click(tid('bulk-keep-unrecommended'));
    await page.click(tid('bulk-submit'));
    await expect.poll(decided).toBe(88);
    await noToasts(page);
    expect(await page.locator(tid('review-bulk')).count()).toBe(0);
  });

  it('finds a person by name and shows what is left undecided', async () => {
    await page.click(tid('review-filter-recommendation'));
    await page.getByRole('option', { name: '全部', exact: true }).click();
    await page.fill(tid('review-filter-search'), '李文員12');
    await expect.poll(() => page.locator(tid('review-item')).count()).toBe(1);
    expect(await page.getAttribute(tid('review-item'), 'data-username')).toBe('go012');
    await page.fill(tid('review-filter-search'), '');
    await page.click(tid('review-filter-state'));
    await page.getByRole('option', { name: '未決定', exact: true }).click();
    await expect.poll(() => page.locator(tid('review-item')).count()).toBe(1);
    expect(await page.getAttribute(tid('review-item'), 'data-username')).toBe('smwong');
    await expectAccessible(page, 'review-filtered');
    await shot(page, '82-review-filtered-zh-1440');
    await page.setViewportSize(PHONE);
    await expectAccessible(page, 'review-filtered-phone');
    await shot(page, '83-review-filtered-zh-390');
    await page.setViewportSize(DESKTOP);
    console.log(
      `access review of 89 people: the administrator decided 88 items in ${4 + 2 + 4} clicks (start 4, keep unrecommended 2, filter and remove the idle 4)`,
    );
  });
});

describe('users page: search and filters', () => {
  const rows = () => page.locator('[data-testid^="user-row-"]').count();

  it('at 1440: searches by Chinese name, filters by two-factor authentication, pages through 89 people', async () => {
    await page.goto('/admin/users');
    await page.waitForSelector(tid('users-table'));
    expect(await rows()).toBe(25);
    expect(await page.textContent(tid('users-count'))).toMatch(/89/);
    // Headers stay on one line: the header row is one line of text high (雙重認證 no longer breaks into 雙重認/證).
    const lines = await page
      .locator(`${tid('users-table')} thead th`)
      .first()
      .evaluate((th) => {
        const cs = getComputedStyle(th);
        const inner = th.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
        return inner / parseFloat(cs.lineHeight);
      });
    expect(lines).toBeLessThan(1.5);
    expect(await page.getAttribute(`${tid('user-row-t001')} ${tid('user-sign-in')}`, 'data-mode')).toBe('local');
    await page.click(tid('users-next'));
    await expect.poll(() => page.textContent(tid('users-count'))).toMatch(/26–50/);
    await page.fill(tid('users-search'), '李文員');
    await page.press(tid('users-search'), 'Enter');
    await expect.poll(rows).toBe(16);
    expect(await page.textContent(tid('users-count'))).toMatch(/16/);
    await page.click(tid('users-filter-mfa'));
    await page.getByRole('option', { name: '已設定', exact: true }).click();
    await expect.poll(() => page.locator(tid('users-none')).count()).toBe(1);
    await page.click(tid('users-filter-clear'));
    await expect.poll(rows).toBe(25);
    await page.click(tid('users-filter-mfa'));
    await page.getByRole('option', { name: '已設定', exact: true }).click();
    await expect.poll(rows).toBe(1);
    await page.waitForSelector(tid('user-row-smwong'));
    await noToasts(page);
    await expectAccessible(page, 'users-filtered-1440');
    await shot(page, '84-users-filtered-zh-1440');
  });

  it('at 390: the search is on screen and finds a person by part of the name', async () => {
    await page.setViewportSize(PHONE);
    await page.click(tid('users-filter-clear'));
    await page.fill(tid('users-search'), '陳老師7');
    await page.press(tid('users-search'), 'Enter');
    // 陳老師7, 陳老師70 and 陳老師71.
    await expect.poll(rows).toBe(3);
    const box = await page.locator(tid('users-search')).boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
    await expectAccessible(page, 'users-search-390');
    await shot(page, '85-users-search-zh-390');
    await switchLanguage(page, 'en');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    await page.fill(tid('users-search'), 'clerk 12');
    await page.press(tid('users-search'), 'Enter');
    await expect.poll(rows).toBe(1);
    await expectAccessible(page, 'users-search-390-en');
    await shot(page, '86-users-search-en-390');
  });
});
