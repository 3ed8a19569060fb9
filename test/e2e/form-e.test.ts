import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkidWithCheck, strnWithCheck } from '../../src/server/modules/school/identity.js';
import {
  expectAccessible,
  launch,
  modalSettled,
  noToasts,
  setUpInBrowser,
  shot,
  startBrowserServer,
  tid,
  write,
  switchLanguage,
} from './helpers.js';

/**
 * Form E in Chromium (issue 10): the Education Bureau asks for the enrolment survey at the start of
 * the school year through its message form, which states who is counted; the school generates it
 * from its records, sees the same rule on the return page, a student on roll without a class
 * blocks sending until explained, and the leaver before the reference date is not listed.
 */
const PASSWORD = 'a long school passphrase 2026';
const EDB_PASSWORD = 'the bureau officer passphrase 2026';
const REF = '2026-09-15';

let server: Awaited<ReturnType<typeof startBrowserServer>>;
let browser: Browser;
let schoolContext: BrowserContext;
let edbContext: BrowserContext;
let page: Page;
let edbPage: Page;
let schoolWords: string[] = [];

beforeAll(async () => {
  server = await startBrowserServer();
  browser = await launch();
  schoolContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: server.base });
  page = await schoolContext.newPage();
  edbContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: server.base });
  edbPage = await edbContext.newPage();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const student = (n: number, extra: Record<string, unknown> = {}) => ({
  regNo: `E2026${String(n).padStart(3, '0')}`,
  strn: strnWithCheck('E', String(600000 + n)),
  nameZh: ['陳大文', '李小美', '張家明', '黃志強', '劉子浩', '何嘉欣'][n - 1],
  nameEn: ['CHAN Tai Man', 'LEE Siu Mei', 'CHEUNG Ka Ming', 'WONG Chi Keung', 'LAU Tsz Ho', 'HO Ka Yan'][n - 1],
  sex: n % 2 ? 'M' : 'F',
  dateOfBirth: '2013-03-02',
  idType: 'hkid',
  idNumber: hkidWithCheck('C', String(500000 + n)),
  entryDate: '2026-09-01',
  ...extra,
});

async function choose(p: Page, selectTestId: string, option: string) {
  await p.click(tid(selectTestId));
  await p.getByRole('option', { name: option, exact: true }).click();
}

describe('Form E: the enrolment survey at the start of the school year', () => {
  it('sets up the school with its records: two classes, a leaver, and a student never placed', async () => {
    ({ words: schoolWords } = await setUpInBrowser(page, () => server.setupLink(), PASSWORD));
    const year = (await (await write(page.request, 'post', '/api/school/years', { startYear: 2026 })).json()) as { id: string };
    const klass = async (code: string, level: string) =>
      (
        (await (
          await write(page.request, 'post', '/api/school/classes', { yearId: year.id, code, level, nameZh: code, nameEn: code })
        ).json()) as { id: string }
      ).id;
    const s1 = await klass('1A', 'S1');
    const s2 = await klass('2A', 'S2');
    for (const [n, classId, no] of [
      [1, s1, 1],
      [2, s1, 2],
      [3, s2, 1],
    ] as const)
      expect((await write(page.request, 'post', '/api/students', student(n, { classId, classNumber: no }))).status()).toBe(201);
    // Left on 10 September, before the reference date: not on Form E.
    await write(
      page.request,
      'post',
      '/api/students',
      student(4, { classId: s1, classNumber: 3, status: 'left', leaveDate: '2026-09-10' }),
    );
    // On roll, never placed in a class: an exception.
    expect((await write(page.request, 'post', '/api/students', student(5))).status()).toBe(201);
  });

  it('the Bureau publishes Form E through its form, which states who is counted on the reference date', async () => {
    await setUpInBrowser(edbPage, () => server.authoritySetupLink('EDB'), EDB_PASSWORD, {
      username: 'edbofficer',
      nameEn: 'Cheung Mei Ling',
      nameZh: '張美玲',
      email: 'ml.cheung@edb.gov.hk',
    });
    await edbPage.click(tid('nav-authority-new'));
    await edbPage.waitForSelector(tid('authority-new-page'));
    await choose(edbPage, 'new-category', '學生註冊');
    await edbPage.fill(tid('new-subject-code'), 'SES');
    await edbPage.fill(tid('new-type-code'), 'FORME');
    await edbPage.fill(tid('new-title-zh'), '2026/27 學年開始時學生人數（表E）');
    await edbPage.fill(tid('new-title-en'), 'Enrolment at the start of 2026/27 (Form E)');
    await edbPage.fill(tid('new-body-zh'), '請以參考日期在學的學生填報表E。');
    await edbPage.fill(tid('new-body-en'), 'Please report Form E for the students on roll on the reference date.');
    await edbPage.fill(tid('new-reference-date'), REF);
    await edbPage.check(tid('new-level-secondary'));
    await edbPage.click(tid('new-asks-return'));
    await choose(edbPage, 'new-kind', '表E：學年開始時的學生人數，由學生紀錄產生');
    expect(await edbPage.textContent(tid('new-files'))).toContain('formE: strn, regNo');
    expect(await edbPage.textContent(tid('new-roll-rule'))).toContain('2026年9月15日');
    expect(await edbPage.textContent(tid('new-roll-rule'))).toContain('離校日期是在學的最後一天');
    await edbPage.fill(tid('new-rules'), 'required formE.strn\noneof formE.repeater Y,N');
    await expectAccessible(edbPage, 'authority-new-form-e');
    await edbPage.click(tid('new-submit'));
    await edbPage.waitForURL(/\/authority\/messages\/[0-9a-f-]{36}$/);
  });

  it('the school generates Form E from its records: the rule in words, the rows, the counts by level, the exception', async () => {
    await write(page.request, 'post', '/api/exchange/unlock', { words: schoolWords });
    const inbox = (await (await page.request.get('/api/exchange/inbox')).json()) as { items: { id: string }[] };
    const deliveryId = inbox.items[0]?.id ?? '';
    expect(deliveryId).not.toBe('');
    const me = (await (await page.request.get('/api/auth/me')).json()) as { user: { id: string } };
    await write(page.request, 'put', `/api/exchange/inbox/${deliveryId}/assign`, { ownerId: me.user.id, backupId: null, checkerId: null });
    await page.goto(`/exchange/inbox/${deliveryId}`);
    await page.click(tid('message-generate'));
    await page.waitForURL(/\/exchange\/returns\/[0-9a-f-]{36}$/);
    await page.waitForSelector(`${tid('return-page')}[data-state="draft"][data-problems="0"]`);
    expect(await page.getAttribute(tid('return-roll-rule'), 'data-date')).toBe(REF);
    expect(await page.textContent(tid('return-roll-rule'))).toContain('2026年9月15日');
    await page.waitForSelector(`${tid('return-tab-formE')}`);
    expect(await page.locator(tid('return-row')).count()).toBe(3);
    const summary = async (key: string) => page.getAttribute(`${tid('return-summary-item')}[data-key="${key}"]`, 'data-value');
    expect(await summary('total')).toBe('3');
    expect(await summary('S1')).toBe('2');
    expect(await summary('S2')).toBe('1');
    expect(await summary('unplaced')).toBe('1');
    expect(await page.textContent(`${tid('return-summary-item')}[data-key="boysS1"]`)).toContain('中一 男生');
    await page.waitForSelector(`${tid('roll-exceptions')}[data-open="1"]`);
    expect(await page.getAttribute(tid('roll-exception'), 'data-reg-no')).toBe('E2026005');
    expect(await page.textContent(tid('roll-exception'))).toContain('本學年從未編入任何班別');
    // The leaver before the reference date is nowhere on the form.
    expect(await page.textContent(tid('return-page'))).not.toContain('E2026004');
    await noToasts(page);
    await expectAccessible(page, 'form-e-exception');
    await shot(page, '90-form-e-exception-zh');
  });

  it('cannot go for approval until the student without a class is explained', async () => {
    await page.click(tid('return-ready'));
    await page.waitForSelector(`${tid('return-error')}[data-code="roll_exceptions_open"]`);
    await noToasts(page);
    await page.click(tid('roll-explain'));
    await modalSettled(page);
    await page.fill(tid('roll-explanation'), '新生，班別待定；九月下旬編班');
    await expectAccessible(page, 'form-e-explain');
    await page.click(tid('roll-explain-submit'));
    await page.waitForSelector(`${tid('roll-exceptions')}[data-open="0"]`);
    expect(await page.getAttribute(tid('roll-exception'), 'data-explained')).toBe('yes');
    expect(await page.textContent(tid('roll-exception'))).toContain('新生，班別待定');
    await noToasts(page);
    await page.click(tid('return-ready'));
    await page.waitForSelector(`${tid('return-page')}[data-state="ready"]`);
  });

  it('reads on a phone and in English', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.waitForSelector(`${tid('return-page')}[data-state="ready"]`);
    await page.waitForSelector(tid('roll-exceptions'));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page, 'form-e-phone');
    await shot(page, '91-form-e-390-zh');
    await page.setViewportSize({ width: 1440, height: 900 });
    await switchLanguage(page, 'en');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    expect(await page.textContent(tid('return-roll-rule'))).toContain('the leave date is the last day on roll');
    expect(await page.textContent(tid('roll-exception'))).toContain('Never placed in a class this school year');
    await noToasts(page);
    await shot(page, '92-form-e-en');
  });
});
