import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hkidWithCheck } from '../../src/server/modules/school/identity.js';
import {
  closeAll,
  expectAccessible,
  modalSettled,
  noToasts,
  openOnPhone,
  setUpSchoolInBrowser,
  shot,
  startBrowserServer,
  tid,
  write,
} from './helpers.js';

const PASSWORD = 'a long school passphrase 2026';
let server: Awaited<ReturnType<typeof startBrowserServer>>;
let browser: Browser;
let page: Page;
let studentId = '';

beforeAll(async () => {
  // A phone: the class teacher adds a mother's number at the school gate.
  ({ server, browser, page } = await openOnPhone());
});
afterAll(() => closeAll(browser, server));

describe("a student's guardians in Chromium", () => {
  it('sets up the school with a class and a student', async () => {
    await setUpSchoolInBrowser(page, () => server.setupLink(), PASSWORD);
    const year = (await (await write(page.request, 'post', '/api/school/years', { startYear: 2026 })).json()) as { id: string };
    const cls = (await (
      await write(page.request, 'post', '/api/school/classes', {
        yearId: year.id,
        code: '2C',
        level: 'S2',
        nameZh: '中二丙',
        nameEn: 'Secondary 2C',
      })
    ).json()) as { id: string };
    const student = await write(page.request, 'post', '/api/students', {
      regNo: 'S2025017',
      nameZh: '何思穎',
      nameEn: 'HO Sze Wing',
      sex: 'F',
      dateOfBirth: '2012-08-09',
      idType: 'hkid',
      idNumber: hkidWithCheck('Y', '765432'),
      entryDate: '2024-09-01',
      classId: cls.id,
      classNumber: 12,
    });
    studentId = ((await student.json()) as { id: string }).id;
  });

  it('adds a guardian on the student screen: a wrong number is named in words, the right one is kept as typed', async () => {
    await page.goto(`/students/${studentId}`);
    await page.waitForSelector(tid('student-contacts'));
    expect(await page.textContent(tid('guardians-empty'))).toBe('未有監護人紀錄。');
    await page.click(tid('contacts-edit'));
    await modalSettled(page);
    await page.fill(tid('contacts-addressZh'), '新界沙田大圍紅梅谷路 8 號 3 座 15 樓 A 室');
    await page.click(tid('contacts-district'));
    await page.getByRole('option', { name: '沙田區', exact: true }).click();
    await page.click(tid('guardian-add'));
    await page.fill(tid('guardian-0-nameZh'), '何太');
    await page.fill(tid('guardian-0-nameEn'), 'HO Lai Ping');
    await page.click(tid('guardian-0-relationship'));
    await page.getByRole('option', { name: '母親', exact: true }).click();
    // A first guardian starts as the emergency contact.
    expect(await page.isChecked(tid('guardian-0-emergency'))).toBe(true);
    await page.fill(tid('guardian-0-mobilePhone'), '1234 5678');
    await page.click(tid('contacts-submit'));
    const error = page.locator(`.mantine-Modal-content ${tid('form-error')}`);
    await error.waitFor();
    const words = (await error.textContent()) ?? '';
    expect(words).toContain('監護人 1');
    expect(words).toContain('手提電話');
    expect(words).not.toMatch(/guardians|mobilePhone|invalid_format/);
    await shot(page, 'student-contacts-refused-phone');

    await page.fill(tid('guardian-0-mobilePhone'), '+852 9123-4567');
    await page.click(tid('contacts-submit'));
    await page.waitForSelector(tid('guardian-0'));
    await noToasts(page);
    expect(await page.textContent(tid('guardian-0-name'))).toBe('何太 HO Lai Ping');
    expect(await page.textContent(tid('guardian-0-mobile'))).toBe('9123 4567');
    expect(await page.locator(tid('guardian-0-emergency-badge')).count()).toBe(1);
    expect(await page.textContent(tid('contacts-district-shown'))).toBe('沙田區');
    await expectAccessible(page, 'student contacts on a phone');
    await shot(page, 'student-contacts-phone');
    // Nothing on the page is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });

  it('the class list shows the emergency contact, and the wide screen the whole section', async () => {
    await page.goto('/students');
    await page.waitForSelector(tid('student-row'));
    expect(await page.textContent(tid('student-emergency'))).toBe('母親 9123 4567');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`/students/${studentId}`);
    await page.waitForSelector(tid('guardian-0'));
    await shot(page, 'student-contacts-wide');
  });
});
