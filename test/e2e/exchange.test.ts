import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkidWithCheck, strnWithCheck } from '../../src/server/modules/school/identity.js';
import {
  csrf,
  expectAccessible,
  launch,
  modalSettled,
  noToasts,
  setUpInBrowser,
  shot as fullShot,
  startBrowserServer,
  tid,
  write,
  switchLanguage,
} from './helpers.js';

/**
 * Data exchange in Chromium (memo O1, O2): the Education Bureau publishes a headcount survey; the
 * school unlocks its inbox with the school key, assigns the task, generates the return from its
 * records, corrects the student without an STRN inline, and the principal approves it with the key
 * on a phone; the bureau sees the return received, with the receipt hash.
 */
const PASSWORD = 'a long school passphrase 2026';
const EDB_PASSWORD = 'the bureau officer passphrase 2026';
const PRINCIPAL_FIRST = 'principal initial passphrase 2026';
const PRINCIPAL_PASSWORD = 'the principal chose this passphrase';
const FIXED_STRN = strnWithCheck('S', '700004');

let server: Awaited<ReturnType<typeof startBrowserServer>>;
let browser: Browser;
let schoolContext: BrowserContext;
let edbContext: BrowserContext;
let checkerContext: BrowserContext | undefined;
let page: Page;
let edbPage: Page;
let schoolWords: string[] = [];
let edbWords: string[] = [];
let messageId = '';
let returnId = '';
let packageJson = '';

beforeAll(async () => {
  server = await startBrowserServer();
  browser = await launch();
  schoolContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.base });
  page = await schoolContext.newPage();
  edbContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.base });
  edbPage = await edbContext.newPage();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const student = (n: number, extra: Record<string, unknown> = {}) => ({
  regNo: `S2026${String(n).padStart(3, '0')}`,
  strn: strnWithCheck('S', String(700000 + n)),
  nameZh: ['陳大文', '李小美', '張家明', '黃志強'][n - 1],
  nameEn: ['CHAN Tai Man', 'LEE Siu Mei', 'CHEUNG Ka Ming', 'WONG Chi Keung'][n - 1],
  sex: n % 2 ? 'M' : 'F',
  dateOfBirth: '2014-03-02',
  idType: 'hkid',
  idNumber: hkidWithCheck('A', String(500000 + n)),
  entryDate: '2026-09-01',
  ...extra,
});

/** A full-page picture from the top, so the fixed header is drawn where it belongs. */
async function shot(p: Page, name: string) {
  await p.evaluate(() => window.scrollTo(0, 0));
  await fullShot(p, name);
}

/** Choose an option of a Mantine select by its label. */
async function choose(p: Page, selectTestId: string, option: string, within?: string) {
  await p.click(within ? `${within} ${tid(selectTestId)}` : tid(selectTestId));
  await p.getByRole('option', { name: option, exact: true }).click();
}

describe('data exchange between the Education Bureau and a school in Chromium', () => {
  it('sets up the school (keeping the 24 words of the school key) and its records', async () => {
    ({ words: schoolWords } = await setUpInBrowser(page, () => server.setupLink(), PASSWORD));
    const year = (await (await write(page.request, 'post', '/api/school/years', { startYear: 2026 })).json()) as { id: string };
    const klass = (await (
      await write(page.request, 'post', '/api/school/classes', {
        yearId: year.id,
        code: '1A',
        level: 'S1',
        nameZh: '中一甲',
        nameEn: 'Secondary 1A',
      })
    ).json()) as {
      id: string;
    };
    for (let n = 1; n <= 3; n++) await write(page.request, 'post', '/api/students', student(n, { classId: klass.id, classNumber: n }));
    // The fourth student has no STRN yet: the headcount's rule will catch it.
    await write(page.request, 'post', '/api/students', student(4, { strn: undefined, classId: klass.id, classNumber: 4 }));
    const roles = ((await (await page.request.get('/api/admin/roles')).json()) as { roles: { id: string; key: string | null }[] }).roles;
    const principal = roles.find((r) => r.key === 'principal')?.id ?? '';
    const created = await page.request.post('/api/admin/users', {
      data: { username: 'lkho', displayNameEn: 'Ho Lai Kwan', displayNameZh: '何麗君', password: PRINCIPAL_FIRST, roleIds: [principal] },
      headers: { 'x-csrf-token': await csrf(page.request) },
    });
    expect(created.status(), await created.text()).toBe(201);
  });

  it('sets up the Education Bureau: its setup form asks for no school details', async () => {
    ({ words: edbWords } = await setUpInBrowser(edbPage, () => server.authoritySetupLink('EDB'), EDB_PASSWORD, {
      username: 'edbofficer',
      nameEn: 'Cheung Mei Ling',
      nameZh: '張美玲',
      email: 'ml.cheung@edb.gov.hk',
    }));
    expect(edbWords).not.toEqual(schoolWords);
    expect(await edbPage.textContent(tid('school-name'))).toBe('教育局');
    expect(await edbPage.locator(tid('nav-students')).count()).toBe(0);
    await expectAccessible(edbPage, 'authority-messages-empty');
  });

  it('publishes a headcount survey through the form: a rule that does not parse is shown by its line', async () => {
    await edbPage.click(tid('nav-authority-new'));
    await edbPage.waitForSelector(tid('authority-new-page'));
    await edbPage.fill(tid('new-subject-code'), 'shc');
    expect(await edbPage.inputValue(tid('new-subject-code'))).toBe('SHC');
    await edbPage.fill(tid('new-type-code'), 'SURVEY');
    await choose(edbPage, 'new-priority', '高');
    await edbPage.fill(tid('new-title-zh'), '2026/27 學年中一學生人數統計');
    await edbPage.fill(tid('new-title-en'), 'S1 student headcount 2026/27');
    await edbPage.fill(tid('new-body-zh'), '請於限期前提交中一學生名單，每名學生須附學生編號（STRN）。');
    await edbPage.fill(tid('new-body-en'), 'Please submit the S1 student list before the deadline; every student needs an STRN.');
    await edbPage.setInputFiles(tid('new-attachments'), {
      name: 'guidance.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Count students on roll on the reference date.\n'),
    });
    await edbPage.check(tid('new-level-secondary'));
    await expect.poll(() => edbPage.getAttribute(tid('new-audience-count'), 'data-count')).toBe('1');
    await edbPage.click(tid('new-asks-return'));
    await edbPage.fill(tid('new-rules'), 'required students.strn\n\nrequird students.nameEn');
    await edbPage.click(tid('new-submit'));
    await edbPage.waitForSelector(tid('new-rule-error'));
    // Line 3 of the box (the blank line is not a rule).
    expect(await edbPage.getAttribute(tid('new-rule-error'), 'data-line')).toBe('3');
    expect(await edbPage.getAttribute(tid('new-rule-error'), 'data-code')).toBe('syntax');
    await expectAccessible(edbPage, 'authority-new-rule-error');
    await shot(edbPage, '60-exchange-publish-rule-error-zh');
    await edbPage.fill(tid('new-rules'), 'required students.strn');
    await edbPage.click(tid('new-submit'));
    await edbPage.waitForURL(/\/authority\/messages\/[0-9a-f-]{36}$/);
    messageId = edbPage.url().split('/').pop() ?? '';
    await edbPage.waitForSelector(`${tid('progress-school')}[data-school-number="512345"][data-state="delivered"]`);
  });

  it('the school procedure names the administrator as owner and the principal as checker', async () => {
    await page.click(tid('nav-exchange-procedures'));
    const card = `${tid('procedure')}[data-category="headcount"]`;
    await page.waitForSelector(card);
    await choose(page, 'procedure-owner', '黃小明', card);
    await choose(page, 'procedure-checker', '何麗君', card);
    await page.click(`${card} ${tid('procedure-save')}`);
    await page.waitForSelector('.mantine-Notification-root');
    expect(await page.inputValue(`${card} ${tid('procedure-owner')}`)).toBe('黃小明');
    await noToasts(page);
    await expectAccessible(page, 'procedures');
    await shot(page, '66-exchange-procedures-zh');
  });

  it('the inbox is locked until the school key is entered; unlocking imports the message', async () => {
    await page.click(tid('nav-exchange-inbox'));
    await page.waitForSelector(`${tid('inbox-locked-banner')}[data-locked="1"]`);
    await page.waitForSelector(`${tid('inbox-row')}[data-state="encrypted"][data-status="unassigned"]`);
    await noToasts(page);
    await expectAccessible(page, 'inbox-locked');
    await shot(page, '61-exchange-inbox-locked-zh');
    await page.click(tid('inbox-unlock'));
    await modalSettled(page);
    // 23 words are refused before anything is sent.
    await page.fill(tid('unlock-words'), schoolWords.slice(0, 23).join(' '));
    await page.click(tid('unlock-submit'));
    expect(await page.getAttribute(tid('unlock-words-count'), 'data-count')).toBe('23');
    await expectAccessible(page, 'unlock-modal');
    // Pasted as a person might: several lines.
    await page.fill(tid('unlock-words'), `${schoolWords.slice(0, 12).join(' ')}\n${schoolWords.slice(12).join('  ')}\n`);
    await page.click(tid('unlock-submit'));
    await page.waitForSelector(`${tid('inbox-row')}[data-state="imported"]`);
    expect(await page.locator(tid('inbox-locked-banner')).count()).toBe(0);
    // The calendar shows the task on its internal due date.
    await page.getByText('日曆', { exact: true }).click();
    await page.waitForSelector(tid('due-calendar'));
    // Due four days from now: this month or the next.
    if ((await page.locator(tid('calendar-entry')).count()) === 0) await page.click(tid('calendar-next'));
    await page.waitForSelector(tid('calendar-entry'));
    await page.waitForSelector(tid('calendar-day'));
    await page.getByText('列表', { exact: true }).click();
  });

  it('opens the message, assigns it from the procedure and generates the return: the missing STRN is listed', async () => {
    await page.click(tid('inbox-open'));
    await page.waitForSelector(tid('message-content'));
    expect(await page.textContent(tid('message-body'))).toContain('學生編號');
    expect(await page.getAttribute(tid('message-attachment'), 'href')).toBe(
      `/api/exchange/inbox/${page.url().split('/').pop()}/attachments/0`,
    );
    // Suggested from the procedure, saved by the administrator.
    expect(await page.inputValue(tid('assign-owner'))).toBe('黃小明');
    expect(await page.inputValue(tid('assign-checker'))).toBe('何麗君');
    await page.click(tid('assign-submit'));
    await page.waitForSelector(`${tid('message-page')}[data-status="assigned"]`);
    await noToasts(page);
    await expectAccessible(page, 'message');
    await shot(page, '67-exchange-message-zh');
    await page.click(tid('message-generate'));
    await page.waitForURL(/\/exchange\/returns\/[0-9a-f-]{36}$/);
    returnId = page.url().split('/').pop() ?? '';
    await page.waitForSelector(`${tid('return-page')}[data-state="draft"][data-problems="1"]`);
    const problem = page.locator(tid('return-problem'));
    expect(await problem.getAttribute('data-row')).toBe('4');
    expect(await problem.getAttribute('data-column')).toBe('strn');
    expect(await page.getAttribute(tid('cell-students-4-strn'), 'data-problem')).toBe('true');
    expect(await page.locator(tid('return-row')).count()).toBe(4);
    expect(await page.getAttribute(`${tid('return-summary-item')}[data-key="S1"]`, 'data-value')).toBe('4');
    // The server refuses to send it for approval, and says which cell.
    await page.click(tid('return-ready'));
    await page.waitForSelector(`${tid('return-error')}[data-code="return_invalid"]`);
    expect(await page.textContent(tid('return-error'))).toContain('學生 第 4 行');
    await noToasts(page);
    await expectAccessible(page, 'return-problem');
    await shot(page, '62-exchange-return-problem-zh');
  });

  it('corrects the STRN in the table and sends the return for approval', async () => {
    await page.click(`${tid('cell-students-4-strn')} ${tid('cell-edit')}`);
    await page.fill(tid('cell-input'), FIXED_STRN);
    await page.press(tid('cell-input'), 'Enter');
    await page.waitForSelector(`${tid('return-edit-bar')}[data-unsaved="1"]`);
    expect(await page.isDisabled(tid('return-ready'))).toBe(true);
    // An STRN is the student's record too: offered, and ticked, to correct it there in the same step.
    expect(await page.isChecked(tid('record-correction'))).toBe(true);
    await expectAccessible(page, 'return-record-correction');
    await shot(page, '68-exchange-return-record-correction-zh');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator(tid('record-correction')).scrollIntoViewIfNeeded();
    await fullShot(page, '69-exchange-return-record-correction-390-zh');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.click(tid('return-save'));
    await page.waitForSelector(`${tid('return-page')}[data-problems="0"]`);
    expect(await page.textContent(tid('cell-students-4-strn'))).toBe(FIXED_STRN);
    // The row is marked corrected, with its record; the count says so.
    expect(await page.getAttribute(`${tid('return-row')}[data-row="4"] ${tid('row-corrected')}`, 'data-record')).toBe('true');
    expect(await page.getAttribute(tid('return-corrections'), 'data-count')).toBe('1');
    // The student's record now has the STRN (the next survey will not repeat the error).
    await page.goto('/students');
    await page.fill(tid('student-search'), 'S2026004');
    await page.click(tid('student-search-submit'));
    await page.waitForSelector(`${tid('student-row')}[data-reg-no="S2026004"]`);
    expect(await page.textContent(`${tid('student-row')}[data-reg-no="S2026004"]`)).toContain(FIXED_STRN);
    await page.goto(`/exchange/returns/${returnId}`);
    await page.waitForSelector(`${tid('return-page')}[data-problems="0"]`);
    await page.click(tid('return-ready'));
    await page.waitForSelector(`${tid('return-page')}[data-state="ready"]`);
    // The preparer is not the checker: no approve button here.
    expect(await page.locator(tid('return-approve')).count()).toBe(0);
  });

  it('the principal approves with the school key on a phone: the authority answers with a receipt', async () => {
    checkerContext = await browser.newContext({ viewport: { width: 375, height: 812 }, baseURL: server.base });
    const api = checkerContext.request;
    const login = await api.post('/api/auth/login', { data: { username: 'lkho', password: PRINCIPAL_FIRST, school: '512345' } });
    expect(login.ok(), await login.text()).toBe(true);
    await write(api, 'post', '/api/account/password', { currentPassword: PRINCIPAL_FIRST, newPassword: PRINCIPAL_PASSWORD });
    const started = await write(api, 'post', '/api/account/mfa/enrol/start', {});
    const { secret } = (await started.json()) as { secret: string };
    await write(api, 'post', '/api/account/mfa/enrol/confirm', { code: await generate({ secret }) });
    const phone = await checkerContext.newPage();
    await phone.goto(`/exchange/returns/${returnId}`);
    await phone.waitForSelector(`${tid('return-page')}[data-state="ready"]`);
    // The checker reads but does not edit.
    expect(await phone.locator(tid('cell-edit')).count()).toBe(0);
    await phone.click(tid('return-approve'));
    await modalSettled(phone);
    await expectAccessible(phone, 'approve-modal');
    await phone.fill(tid('approve-words'), schoolWords.join(' '));
    await phone.click(tid('approve-submit'));
    await phone.waitForSelector(`${tid('return-page')}[data-state="received"]`);
    const receipt = (await phone.textContent(tid('return-receipt-hash')))?.trim() ?? '';
    expect(receipt).toMatch(/^[0-9a-f]{64}$/);
    expect(await phone.textContent(tid('return-package-hash'))).toBe(receipt);
    expect(await phone.getAttribute(tid('return-package'), 'href')).toBe(`/api/exchange/returns/${returnId}/package`);
    await noToasts(phone);
    await expectAccessible(phone, 'return-received');
    await shot(phone, '63-exchange-return-received-375-zh');
    // The checker's inbox on the phone: the task is done.
    await phone.click(tid('nav-burger'));
    await phone.click(tid('nav-exchange-inbox'));
    await phone.waitForSelector(`${tid('inbox-row')}[data-status="done"]`);
    await noToasts(phone);
    await expectAccessible(phone, 'inbox-phone');
    await shot(phone, '65-exchange-inbox-375-zh');
  });

  it('the bureau sees the school as received and opens the return with its own key', async () => {
    await edbPage.goto(`/authority/messages/${messageId}`);
    const row = `${tid('progress-school')}[data-school-number="512345"]`;
    await edbPage.waitForSelector(`${row}[data-state="received"]`);
    expect(await edbPage.getAttribute(`${row} ${tid('school-receipt')}`, 'title')).toMatch(/^[0-9a-f]{64}$/);
    expect(await edbPage.getAttribute(tid('count-bars'), 'data-received')).toBe('1');
    await edbPage.click(`${row} ${tid('school-open')}`);
    await modalSettled(edbPage);
    await edbPage.fill(tid('open-words'), edbWords.join(' '));
    await edbPage.click(tid('open-submit'));
    await edbPage.waitForSelector(`${tid('opened-package')}[data-manifest-ok="true"]`);
    expect(await edbPage.textContent(tid('cell-students-4-strn'))).toBe(FIXED_STRN);
    // The bureau sees which row the school corrected by hand, and that its record was corrected too.
    expect(
      await edbPage.getAttribute(`${tid('opened-package')} ${tid('return-row')}[data-row="4"] ${tid('row-corrected')}`, 'data-record'),
    ).toBe('true');
    expect(await edbPage.locator(`${tid('opened-package')} ${tid('row-corrected')}`).count()).toBe(1);
    expect(await edbPage.getAttribute(`${tid('opened-package')} ${tid('return-corrections')}`, 'data-count')).toBe('1');
    await edbPage.keyboard.press('Escape');
    const packageHref = (await edbPage.getAttribute(`${row} ${tid('school-package')}`, 'href')) ?? '';
    expect(packageHref).toMatch(/^\/api\/authority\/packages\/[0-9a-f-]{36}$/);
    packageJson = await (await edbPage.request.get(packageHref)).text();
    await switchLanguage(edbPage, 'en');
    await edbPage.locator('html[lang="en"]').waitFor({ state: 'attached' });
    await noToasts(edbPage);
    await expectAccessible(edbPage, 'authority-progress-en');
    await shot(edbPage, '64-exchange-authority-progress-en');
  });

  it('the bureau checks a package file handed over outside the system: whole, then altered', async () => {
    await edbPage.click(tid('nav-authority-messages'));
    await edbPage.waitForSelector(`${tid('authority-message')} ${tid('count-bars')}[data-received="1"]`);
    await edbPage.setInputFiles(tid('verify-file'), {
      name: 'package.json',
      mimeType: 'application/json',
      buffer: Buffer.from(packageJson),
    });
    await edbPage.click(tid('verify-submit'));
    await edbPage.waitForSelector(`${tid('verify-result')}[data-valid="true"]`);
    expect(await edbPage.textContent(tid('verify-result'))).toContain('512345');
    const altered = JSON.parse(packageJson) as { header: { amendment: number } };
    altered.header.amendment = 7;
    await edbPage.setInputFiles(tid('verify-file'), {
      name: 'package-altered.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(altered)),
    });
    await edbPage.click(tid('verify-submit'));
    await edbPage.waitForSelector(`${tid('verify-result')}[data-valid="false"][data-code="package_tampered"]`);
    await noToasts(edbPage);
    await expectAccessible(edbPage, 'authority-verify-refused');
    await edbPage.click(tid('nav-authority-log'));
    await edbPage.waitForSelector(`${tid('log-entry')}[data-event="package_received"]`);
  });

  it('the school inbox shows the task done and the day in the exchange log', async () => {
    await page.click(tid('nav-exchange-inbox'));
    await page.waitForSelector(`${tid('inbox-row')}[data-status="done"][data-due-state="done"]`);
    await page.click(tid('nav-exchange-log'));
    await page.waitForSelector(`${tid('log-entry')}[data-event="return_received"]`);
    await noToasts(page);
    await expectAccessible(page, 'exchange-log');
  });

  it('a return the school types in: rows are added in the table', async () => {
    const deadline = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const schools = ((await (await edbPage.request.get('/api/authority/schools')).json()) as { schools: { id: string }[] }).schools.map(
      (x) => x.id,
    );
    const published = await write(edbPage.request, 'post', '/api/authority/messages', {
      category: 'general',
      subjectCode: 'ECA',
      typeCode: 'SURVEY',
      titleZh: '課外活動調查',
      titleEn: 'Activities survey',
      bodyZh: '請列出課外活動。',
      bodyEn: 'List the activities.',
      deadline,
      audience: { levels: [], schoolIds: schools },
      template: { kind: 'manual', columns: ['activity', 'members'], rules: ['required data.activity', 'range data.members 1 500'] },
    });
    const { refNo } = (await published.json()) as { refNo: string };
    await write(page.request, 'post', '/api/exchange/unlock', { words: schoolWords });
    const inbox = (await (await page.request.get(`/api/exchange/inbox?q=${refNo}`)).json()) as { items: { id: string }[] };
    const deliveryId = inbox.items[0]?.id ?? '';
    const me = (await (await page.request.get('/api/auth/me')).json()) as { user: { id: string } };
    await write(page.request, 'put', `/api/exchange/inbox/${deliveryId}/assign`, { ownerId: me.user.id, backupId: null, checkerId: null });
    const generated = (await (await write(page.request, 'post', `/api/exchange/inbox/${deliveryId}/returns`, {})).json()) as { id: string };
    await page.goto(`/exchange/returns/${generated.id}`);
    await page.waitForSelector(`${tid('return-file')}[data-file="data"][data-rows="0"]`);
    await page.click(tid('row-add'));
    await page.click(`${tid('cell-data-1-activity')} ${tid('cell-edit')}`);
    await page.fill(tid('cell-input'), '中文辯論學會');
    await page.press(tid('cell-input'), 'Enter');
    await page.click(`${tid('cell-data-1-members')} ${tid('cell-edit')}`);
    await page.fill(tid('cell-input'), '0');
    await page.press(tid('cell-input'), 'Enter');
    await page.click(tid('return-save'));
    // Zero members breaks the range rule.
    await page.waitForSelector(`${tid('return-page')}[data-problems="1"]`);
    expect(await page.getAttribute(tid('return-problem'), 'data-column')).toBe('members');
    await page.click(`${tid('cell-data-1-members')} ${tid('cell-edit')}`);
    await page.fill(tid('cell-input'), '24');
    await page.press(tid('cell-input'), 'Enter');
    await page.click(tid('return-save'));
    await page.waitForSelector(`${tid('return-page')}[data-problems="0"]`);
    await noToasts(page);
    await expectAccessible(page, 'manual-return');
  });
});
