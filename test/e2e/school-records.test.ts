import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkidWithCheck } from '../../src/server/modules/school/identity.js';
import {
  closeAll,
  expectAccessible,
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
let page: Page;

beforeAll(async () => {
  // A phone: the school office checks a class list between lessons.
  ({ server, browser, page } = await openOnPhone());
});
afterAll(() => closeAll(browser, server));

const HEADER = 'reg_no,name_zh,name_en,sex,date_of_birth,id_type,id_number,entry_date,class,class_number';
const good = [hkidWithCheck('A', '123456'), hkidWithCheck('B', '234567'), hkidWithCheck('C', '345678')];
/** The second student's card with a check character that cannot be right. */
const wrongCheck = (hkid: string) => hkid.replace(/\((.)\)$/, (_, c: string) => `(${c === '1' ? '2' : '1'})`);
const studentsCsv = (ids: string[]) =>
  [
    HEADER,
    `S2026001,陳大文,CHAN Tai Man,M,2013-05-02,hkid,${ids[0]},2024-09-01,1A,1`,
    `S2026002,李小美,LEE Siu Mei,F,2013-11-20,hkid,${ids[1]},2024-09-01,1A,2`,
    `S2026003,張家明,CHEUNG Ka Ming,M,2014-01-15,hkid,${ids[2]},2024-09-01,1A,3`,
  ].join('\r\n') + '\r\n';

async function chooseFile(name: string, content: string) {
  await page.setInputFiles(tid('import-file'), { name, mimeType: 'text/csv', buffer: Buffer.from(content, 'utf8') });
}

describe('school records in Chromium', () => {
  it('sets up the school and its administrator', async () => {
    await setUpSchoolInBrowser(page, () => server.setupLink(), PASSWORD);
  });

  it('creates the school year 2026/27 and class 1A', async () => {
    await page.click(tid('nav-burger'));
    await page.click(tid('nav-school-setup'));
    await page.waitForSelector(tid('years-table'));
    await page.click(tid('year-new'));
    await page.fill(tid('year-form-startYear'), '2026');
    await page.click(tid('year-form-submit'));
    // The first year of a school becomes the current one.
    await page.waitForSelector(`${tid('year-row')}[data-year-code="2026/27"][data-status="current"]`);
    await page.click(tid('class-new'));
    await page.fill(tid('class-form-code'), '1A');
    await page.click(tid('class-form-level'));
    await page.getByRole('option', { name: '中一', exact: true }).click();
    await page.fill(tid('class-form-nameZh'), '中一甲');
    await page.fill(tid('class-form-nameEn'), 'Secondary 1A');
    await page.click(tid('class-form-submit'));
    await page.waitForSelector(`${tid('class-row')}[data-class-code="1A"]`);
  });

  it('gives class 1A a subject with its medium of instruction', async () => {
    await write(page.request, 'post', '/api/school/subjects', {
      code: 'ENG',
      nameZh: '英國語文',
      nameEn: 'English Language',
      edbCode: '165',
    });
    await page.reload();
    await page.locator(`${tid('class-row')}[data-class-code="1A"] ${tid('class-subjects-open')}`).click();
    await page.waitForSelector(tid('class-subjects-table'));
    await page.click(tid('class-subject-subject'));
    await page.getByRole('option', { name: 'ENG 英國語文' }).click();
    await page.click(tid('class-subject-medium'));
    await page.getByRole('option', { name: '英文', exact: true }).click();
    await page.click(tid('class-subject-submit'));
    await page.waitForSelector(tid('class-subject-row'));
    expect(await page.textContent(tid('class-subject-row'))).toContain('英國語文');
    await page.keyboard.press('Escape');
  });

  it('checks a students file, lists the wrong HKID, then imports the corrected file', async () => {
    await page.click(tid('nav-burger'));
    await page.click(tid('nav-import'));
    await page.waitForSelector(tid('import-kind'));
    expect(await page.inputValue(tid('import-kind'))).toBe('學生');
    expect(await page.locator(`${tid('import-column')}[data-required="true"]`).count()).toBe(7);
    expect(await page.getAttribute(tid('import-template'), 'download')).toBe('students-template.csv');
    // The commit button waits for a clean check.
    expect(await page.isDisabled(tid('import-commit'))).toBe(true);

    await chooseFile('students-wrong.csv', studentsCsv([good[0] ?? '', wrongCheck(good[1] ?? ''), good[2] ?? '']));
    await page.click(tid('import-preview'));
    await page.waitForSelector(tid('import-issue'));
    // (Let the "year created"/"class created" notices close so the screenshots show the table.)
    await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached', timeout: 15_000 });
    const issues = page.locator(tid('import-issue'));
    expect(await issues.count()).toBe(1);
    expect(await issues.first().getAttribute('data-code')).toBe('hkid_invalid');
    expect(await issues.first().getAttribute('data-row')).toBe('3');
    expect(await page.getAttribute(tid('import-summary'), 'data-rows')).toBe('3');
    expect(await page.isDisabled(tid('import-commit'))).toBe(true);
    await expectAccessible(page, 'import-issues');
    await shot(page, '20-import-issues-zh');

    await switchLanguage(page, 'en');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    expect(await page.textContent(tid('import-issue'))).toMatch(/HKID/);
    await shot(page, '21-import-issues-en');

    await chooseFile('students.csv', studentsCsv(good));
    // A new file needs a new check before it can be imported.
    await expect.poll(() => page.locator(tid('import-issue')).count()).toBe(0);
    expect(await page.isDisabled(tid('import-commit'))).toBe(true);
    await page.click(tid('import-preview'));
    await page.waitForSelector(tid('import-ready'));
    expect(await page.getAttribute(tid('import-summary'), 'data-create')).toBe('3');
    expect(await page.getAttribute(tid('import-summary'), 'data-issues')).toBe('0');
    await page.click(tid('import-commit'));
    await page.waitForSelector(tid('import-done'));
    expect(await page.getAttribute(tid('import-done'), 'data-create')).toBe('3');
    await expectAccessible(page, 'import-done');
    await shot(page, '22-import-done-en');

    // The same file again changes nothing.
    await page.click(tid('import-preview'));
    await page.waitForSelector(tid('import-ready'));
    expect(await page.getAttribute(tid('import-summary'), 'data-unchanged')).toBe('3');
    expect(await page.getAttribute(tid('import-summary'), 'data-create')).toBe('0');

    await switchLanguage(page, 'zh');
    await page.locator('html[lang="zh-HK"]').waitFor({ state: 'attached' });
    await expectAccessible(page, 'import-zh');
    await shot(page, '23-import-zh');
  });

  it('exports every student in the background: a progress bar, then the download, in both languages', async () => {
    // Status answers reach the page a moment late (the server's own answers, delayed), so the bar is seen on a quick export too.
    await page.route('**/api/jobs/*', async (route) => {
      const answer = await route.fetch().catch(() => null);
      await new Promise((r) => setTimeout(r, 700));
      // The page may have stopped waiting for it (a newer poll); then there is nobody to answer.
      if (answer) await route.fulfill({ response: answer }).catch(() => undefined);
    });
    try {
      await page.click(tid('export-students-xlsx'));
      await page.waitForSelector(tid('export-students-progress'));
      expect(await page.textContent(tid('export-students-progress'))).toContain('正在準備檔案');
      await page.waitForSelector(tid('export-students-ready'));
      expect(await page.textContent(tid('export-students-ready'))).toContain('檔案已準備好（3 行）');
      await expectAccessible(page, 'export-ready-zh');
      await shot(page, '24-export-ready-zh');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid('export-students-download'))]);
      expect(download.suggestedFilename()).toBe('students.xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile((await download.path()) ?? '');
      const ws = wb.worksheets[0];
      expect(ws?.rowCount).toBe(4);
      expect(String(ws?.getRow(1).getCell(3).value)).toBe('註冊編號');
      expect(String(ws?.getRow(3).getCell(5).value)).toBe('李小美');

      await switchLanguage(page, 'en');
      await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
      await page.click(tid('export-students-csv'));
      await page.waitForSelector(tid('export-students-progress'));
      expect(await page.textContent(tid('export-students-progress'))).toContain('Preparing the file');
      await page.waitForSelector(tid('export-students-ready'));
      expect(await page.textContent(tid('export-students-ready'))).toContain('The file is ready (3 rows)');
      const [csv] = await Promise.all([page.waitForEvent('download'), page.click(tid('export-students-download'))]);
      expect(csv.suggestedFilename()).toBe('students.csv');
      expect(readFileSync((await csv.path()) ?? '', 'utf8')).toContain('CHEUNG Ka Ming');
      await shot(page, '25-export-ready-en');
      await switchLanguage(page, 'zh');
      await page.locator('html[lang="zh-HK"]').waitFor({ state: 'attached' });
    } finally {
      await page.unroute('**/api/jobs/*');
    }
  });

  it('finds an imported student by part of the Chinese name and edits the English name', async () => {
    await page.click(tid('nav-burger'));
    await page.click(tid('nav-students'));
    await page.waitForSelector(tid('students-table'));
    await page.fill(tid('student-search'), '小美');
    await page.click(tid('student-search-submit'));
    await expect.poll(() => page.locator(tid('student-row')).count()).toBe(1);
    expect(await page.getAttribute(tid('student-row'), 'data-reg-no')).toBe('S2026002');
    await page.click(`${tid('student-row')} a`);
    await page.waitForSelector(tid('student-title'));
    expect(await page.textContent(tid('student-class'))).toBe('1A 02');
    await page.click(tid('student-edit'));
    await page.waitForSelector(tid('student-form-nameEn'));
    // The identity number stays empty: the stored one is kept.
    expect(await page.inputValue(tid('student-form-idNumber'))).toBe('');
    await page.fill(tid('student-form-nameEn'), 'LEE Siu Mei Mary');
    await page.click(tid('student-form-submit'));
    await expect.poll(() => page.textContent(tid('student-title'))).toContain('LEE Siu Mei Mary');
    await page.locator(tid('student-form-nameEn')).waitFor({ state: 'detached' });
    expect(await page.textContent(tid('student-id-masked'))).toBe('B234***(*)');
    await shot(page, '24-student-edited');
  });
});
