/**
 * The school key in the browser (memo S1; issue 14 item 9), on a phone: the words pasted once with
 * their numbering unlock it for a while, the key is changed without typing them again (the new words
 * shown once), recovery shares are issued, one holder's sheet printed as a PDF and confirmed.
 */
import { readFileSync } from 'node:fs';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, expectAccessible, modalSettled, noToasts, openNav, openOnPhone, setUpInBrowser, shot, tid } from './helpers.js';

const PASSWORD = 'a long school passphrase 2026';
let server: Awaited<ReturnType<typeof openOnPhone>>['server'];
let browser: Browser;
let context: BrowserContext;
let page: Page;
let words: string[];

beforeAll(async () => {
  ({ server, browser, context, page } = await openOnPhone());
});
afterAll(() => closeAll(context, browser, server));

describe('school key page', () => {
  it('explains at setup what losing the key without shares means', async () => {
    ({ words } = await setUpInBrowser(page, () => server.setupLink(), PASSWORD));
    await openNav(page, 'security-key');
    await page.waitForSelector(tid('key-status'));
    expect(await page.textContent(tid('key-version'))).toBe('1');
    expect(await page.textContent(tid('key-loss-explain'))).toContain('復原分份');
    await page.waitForSelector(tid('shares-none'));
  });

  it('unlocks with the 24 words pasted as one numbered list', async () => {
    await page.fill(tid('key-unlock-words'), words.map((w, i) => `${i + 1}. ${w}`).join('\n'));
    await page.click(tid('key-unlock'));
    await page.waitForSelector(tid('key-window-note'));
  });

  it('changes the key without the words again and shows the new ones once', async () => {
    await page.click(tid('key-rotate'));
    await modalSettled(page);
    await page.waitForSelector(tid('key-window-note'));
    expect(await page.locator(tid('rotate-words')).count()).toBe(0);
    await page.click(tid('rotate-submit'));
    await page.waitForSelector(tid('new-key-words'));
    const fresh = (await page.locator(tid('new-key-words-word')).allTextContents()).map((w) => w.trim());
    expect(fresh).toHaveLength(24);
    expect(fresh).not.toEqual(words);
    words = fresh;
    await page.check(tid('rotate-ack'));
    await page.click(tid('rotate-done'));
    await expect.poll(() => page.textContent(tid('key-version'))).toBe('2');
    expect(await page.locator(tid('key-history-1')).count()).toBe(1);
  });

  it('issues 2-of-3 recovery shares, prints a sheet (PDF) and confirms a share', async () => {
    await page.click(tid('shares-open'));
    await modalSettled(page);
    await page.fill(tid('holder-name-1'), '陳校長');
    await page.fill(tid('holder-name-2'), '李主任');
    await page.fill(tid('holder-name-3'), '學校保險箱');
    await page.click(tid('shares-submit'));
    await page.waitForSelector(tid('issued-share-text-1'));
    const share = ((await page.textContent(tid('issued-share-text-1'))) ?? '').trim();
    expect(share).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{1,4})+$/);
    for (const n of [1, 2, 3]) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid(`print-share-${n}`))]);
      expect(download.suggestedFilename()).toBe(`school-key-share-${n}.pdf`);
      expect(
        readFileSync(await download.path())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
    }
    await page.click(tid('shares-done'));
    await page.waitForSelector(tid('shares-table'));
    await page.click(tid('confirm-share-1'));
    await modalSettled(page);
    await page.fill(tid('confirm-share-text'), share.toLowerCase().replaceAll('-', ' '));
    await page.click(tid('confirm-share-submit'));
    await expect.poll(() => page.getAttribute(tid('share-state-1'), 'data-confirmed')).toBe('yes');
    await noToasts(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await expectAccessible(page, 'school-key');
    await shot(page, '72-school-key-phone');
  });
});
