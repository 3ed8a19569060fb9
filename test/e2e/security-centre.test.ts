import type { Browser, Page } from 'playwright-core';
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
} from './helpers.js';

const PASSWORD = 'a long school passphrase 2026';
let server: Awaited<ReturnType<typeof startBrowserServer>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // A phone: the system administrator works the findings and ticks the routine between lessons.
  ({ server, browser, page } = await openOnPhone());
});
afterAll(() => closeAll(browser, server));

describe('the security centre in Chromium', () => {
  it('opens from the navigation with the checks not run yet', async () => {
    await setUpSchoolInBrowser(page, () => server.setupLink(), PASSWORD);
    await openNav(page, 'security-centre');
    await page.waitForSelector(tid('findings'));
    expect(await page.textContent(tid('last-run'))).toContain('檢查尚未執行');
    await page.waitForSelector(tid('card-key'));
    await page.waitForSelector(tid('card-accounts'));
  });

  it('runs the checks now: findings appear with who must act, and what is not monitored is said', async () => {
    await page.click(tid('run-checks'));
    // No mail server is set in this installation.
    const mail = page.locator(tid('finding-mail_not_configured'));
    await mail.waitFor();
    expect(await mail.getAttribute('data-status')).toBe('open');
    expect(await mail.locator(tid('finding-text')).textContent()).toContain('SMTP_URL');
    expect(await mail.locator(tid('finding-owner')).textContent()).toContain('黃小明');
    await page.waitForSelector(tid('unmonitored-backups_not_built'));
    await page.waitForSelector(tid('posture-chart'));
    await noToasts(page);
    await expectAccessible(page, 'security-centre-findings');
    await shot(page, 'security-centre-phone');
  });

  it('accepts a finding with a reason until a date', async () => {
    const mail = page.locator(tid('finding-mail_not_configured'));
    await mail.locator(tid('finding-accept')).click();
    await modalSettled(page);
    await expectAccessible(page, 'security-centre-accept');
    await page.fill(tid('accept-reason'), '郵件伺服器下月安裝 / mail server arrives next month');
    expect(await page.getAttribute(tid('accept-until'), 'data-value')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.click(tid('accept-save'));
    // It leaves the open list …
    await expect.poll(() => page.locator(tid('finding-mail_not_configured')).count()).toBe(0);
    await noToasts(page);
    // … and shows among the accepted, with the reason.
    await page.click(tid('filter-status'));
    await page.getByRole('option', { name: '已接受' }).click();
    const accepted = page.locator(tid('finding-mail_not_configured'));
    await accepted.waitFor();
    expect(await accepted.getAttribute('data-status')).toBe('accepted');
    expect(await accepted.locator(tid('finding-accepted')).textContent()).toContain('郵件伺服器下月安裝');
  });

  it('ticks a routine task with a note', async () => {
    const task = page.locator(tid('routine-task-review_findings'));
    await task.waitFor();
    expect(await task.getAttribute('data-state')).toBe('due');
    await task.locator(tid('routine-tick')).click();
    await modalSettled(page);
    await page.fill(tid('routine-note'), 'One finding, accepted until the mail server is installed');
    await page.click(tid('routine-save'));
    await expect.poll(() => page.locator(tid('routine-task-review_findings')).getAttribute('data-state')).toBe('done');
    await noToasts(page);
    expect(await page.locator(tid('routine-task-review_findings')).textContent()).toContain('One finding, accepted');
  });

  it('reads at a desk-sized width too', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.reload();
    await page.waitForSelector(tid('routine-task-review_findings'));
    await expectAccessible(page, 'security-centre-wide');
    await shot(page, 'security-centre-wide');
  });
});
