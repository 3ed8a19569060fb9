/**
 * Privileged accounts in the browser (memo S1): the system administrator creates the sealed
 * break-glass account and downloads its sheet, sees a shared password's warning, and prints a new sheet.
 */
import { readFileSync } from 'node:fs';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAll,
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
let server: Awaited<ReturnType<typeof startBrowserServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ server, browser, context, page } = await openOnPhone());
});
afterAll(() => closeAll(context, browser, server));

/** Clicks `button` and returns the PDF the browser was handed. */
async function downloadSheet(button: string): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid(button))]);
  expect(download.suggestedFilename()).toBe('break-glass-sheet.pdf');
  const path = await download.path();
  return readFileSync(path);
}

describe('privileged accounts page', () => {
  it('sets up the school; a shared sysadmin account exists', async () => {
    await setUpSchoolInBrowser(page, () => server.setupLink(), PASSWORD);
    const api = page.request;
    const roles = ((await (await api.get('/api/admin/roles')).json()) as { roles: { id: string; key: string | null }[] }).roles;
    const created = await write(api, 'post', '/api/admin/users', {
      username: 'sysadmin',
      displayNameEn: 'System administrator (shared)',
      displayNameZh: '系統管理員（共用）',
      password: 'harbour lantern seventeen ways',
      roleIds: [roles.find((r) => r.key === 'system_admin')?.id],
    });
    const id = ((await created.json()) as { id: string }).id;
    await write(api, 'put', `/api/security/privileged/accounts/${id}/kind`, { kind: 'shared' });
    // Its password was last changed 170 days ago: due within ten days of the 180-day period.
    await server.deps.db.system((q) =>
      q.query(`UPDATE users SET password_changed_at = now() - interval '170 days', must_change_password = false WHERE id = $1`, [id]),
    );
  });

  it('creates the break-glass account and hands over its sheet, on a phone', async () => {
    await openNav(page, 'security-accounts');
    await page.waitForSelector(tid('break-glass-none'));
    await page.fill(tid('break-glass-username'), 'breakglass');
    const pdf = await downloadSheet('break-glass-create');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.waitForSelector(`${tid('privileged-breakglass')}`);
    await expect.poll(() => page.locator(tid('break-glass')).textContent()).toContain('已密封');
    await noToasts(page);
    // The page fits a phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await expectAccessible(page, 'privileged-accounts');
    await shot(page, '70-privileged-accounts-phone');
  });

  it('shows the shared password due within 14 days, then prints a new sheet', async () => {
    const shared = page.locator(tid('privileged-sysadmin'));
    await expect.poll(() => shared.locator(tid('privileged-reasons')).textContent()).toContain('密碼將於 14 日內到期');
    expect(await shared.textContent()).toContain('需要跟進');
    await page.click(tid('break-glass-print'));
    await modalSettled(page);
    await expectAccessible(page, 'privileged-reseal-confirm');
    const pdf = await downloadSheet('break-glass-confirm');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const sealed = (await (await page.request.get('/api/audit?action=privileged.break_glass_sealed')).json()) as { entries: unknown[] };
    expect(sealed.entries.length).toBe(2);
  });

  it('reads in English at desktop width', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await noToasts(page);
    await switchLanguage(page, 'en');
    await expect.poll(() => page.locator(tid('privileged-sysadmin')).textContent()).toContain('Password due within 14 days');
    expect(await page.locator(tid('break-glass')).textContent()).toContain('Sealed');
    await expectAccessible(page, 'privileged-accounts-en');
    await shot(page, '71-privileged-accounts-desktop');
  });
});
