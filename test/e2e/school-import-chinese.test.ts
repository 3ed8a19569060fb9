import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkidWithCheck } from '../../src/server/modules/school/identity.js';
import {
  closeAll,
  expectAccessible,
  noToasts,
  openNav,
  openOnPhone,
  setUpSchoolInBrowser,
  shot,
  startBrowserServer,
  tid,
  write,
} from './helpers.js';

/** Issue 10: a file as a Hong Kong office writes it (Chinese headers, 男/女), checked and imported from a phone, placements dated on the screen. */
const PASSWORD = 'a long school passphrase 2026';
let server: Awaited<ReturnType<typeof startBrowserServer>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await openOnPhone());
});
afterAll(() => closeAll(browser, server));

const HEADER = '註冊編號,中文姓名,英文姓名,性別,出生日期,身份證明文件類別,身份證明文件號碼,入學日期,班別,學號';
const ids = [hkidWithCheck('D', '123456'), hkidWithCheck('E', '234567')];
const studentsCsv = (second: string) =>
  [
    HEADER,
    `S2026101,劉子浩,LAU Tsz Ho,男,2013-05-02,香港身份證,${ids[0] ?? ''},2024-09-01,1A,1`,
    `S2026102,何 美 琪,HO Mei Kei,女,2013-11-20,香港身份證,${second},2024-09-01,1A,2`,
  ].join('\r\n') + '\r\n';

async function chooseFile(name: string, content: string) {
  await page.setInputFiles(tid('import-file'), { name, mimeType: 'text/csv', buffer: Buffer.from(content, 'utf8') });
}

describe('import with Chinese headers in Chromium', () => {
  it('sets up the school, the year 2026/27 and class 1A', async () => {
    await setUpSchoolInBrowser(page, () => server.setupLink(), PASSWORD);
    await write(page.request, 'post', '/api/school/years', { startYear: 2026 });
    const years = (await (await page.request.get('/api/school/years')).json()) as { years: { id: string }[] };
    const yearId = years.years[0]?.id;
    await write(page.request, 'post', '/api/school/classes', { yearId, code: '1A', level: 'S1', nameZh: '中一甲', nameEn: 'Secondary 1A' });
  });

  it('shows each column’s Chinese and English header, reports every problem of the file by its Chinese headers, then imports it', async () => {
    await openNav(page, 'import');
    await page.waitForSelector(tid('import-kind'));
    expect(await page.getAttribute(`${tid('import-column')}[data-column="reg_no"]`, 'data-zh')).toBe('註冊編號');
    expect(await page.textContent(`${tid('import-column')}[data-column="reg_no"]`)).toContain('註冊編號');

    // The second card's check digit is wrong and its class number is the first one's: both are listed at once.
    const wrong = (ids[1] ?? '').replace(/\((.)\)$/, (_, c: string) => `(${c === '1' ? '2' : '1'})`);
    await chooseFile('學生.csv', studentsCsv(wrong).replace(',1A,2\r\n', ',1A,1\r\n'));
    await page.click(tid('import-preview'));
    await page.waitForSelector(tid('import-issue'));
    await noToasts(page);
    const issues = page.locator(tid('import-issue'));
    expect(await issues.count()).toBe(2);
    expect(await issues.nth(0).getAttribute('data-column')).toBe('身份證明文件號碼');
    expect(await issues.nth(0).getAttribute('data-code')).toBe('hkid_invalid');
    expect(await issues.nth(1).getAttribute('data-code')).toBe('class_number_taken');
    await shot(page, '30-import-chinese-issues');

    // Placements start on the day chosen, shown in the check's result in Hong Kong's way.
    await chooseFile('學生.csv', studentsCsv(ids[1] ?? ''));
    await page.fill(tid('import-effective-date'), '2026-09-07');
    await page.click(tid('import-preview'));
    await page.waitForSelector(tid('import-ready'));
    expect(await page.getAttribute(tid('import-summary'), 'data-create')).toBe('2');
    expect(await page.getAttribute(tid('import-placements'), 'data-from')).toBe('2026-09-07');
    expect(await page.textContent(tid('import-placements'))).toContain('2026年9月7日');
    await expectAccessible(page, 'import-chinese-ready');
    await shot(page, '31-import-chinese-ready');
    await page.click(tid('import-commit'));
    await page.waitForSelector(tid('import-done'));
    expect(await page.getAttribute(tid('import-done'), 'data-create')).toBe('2');
  });

  it('finds the imported student by the Chinese name typed with a space', async () => {
    await openNav(page, 'students');
    await page.waitForSelector(tid('students-table'));
    await page.fill(tid('student-search'), '何 美琪');
    await page.click(tid('student-search-submit'));
    await expect.poll(() => page.locator(tid('student-row')).count()).toBe(1);
    expect(await page.getAttribute(tid('student-row'), 'data-reg-no')).toBe('S2026102');
  });
});
