/**
 * A phone in the general office (issue 14 items 7 and 8): at 390 × 844 a clerk finds a student by
 * Chinese name and sees the names on the card, not just class and numbers; the header keeps the
 * school's whole name, the language, the notifications and sign-out within reach in both languages;
 * dates read 01/09/2026 in English and 2026年9月1日 in Chinese.
 */
import { generate } from 'otplib';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSetupToken } from '../../src/server/core/setup/service.js';
import { closeAll, launch, shot, signOut, startBrowserServer, switchLanguage, tid } from './helpers.js';

type Server = Awaited<ReturnType<typeof startBrowserServer>>;
const PASSWORD = 'harbour view school 2026 phone width';
const PHONE_390 = { width: 390, height: 844 };

/** A cookie-keeping client through the server itself (setting people up is not what this test is about). */
function client(server: Server) {
  let sid = '';
  let csrf = '';
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => {
    const r = await server.app.inject({
      method,
      url,
      headers: { ...(sid ? { cookie: `sid=${sid}` } : {}), ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    const set = r.cookies.find((c) => c.name === 'sid');
    if (set) sid = set.value;
    if (r.statusCode >= 400) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
    const json: unknown = r.body ? JSON.parse(r.body) : null;
    if (url === '/api/auth/me') csrf = (json as { csrfToken: string }).csrfToken;
    return json as Record<string, unknown>;
  };
  return { call, me: () => call('GET', '/api/auth/me'), sid: () => sid };
}

/** Whether the element shows all of its text (no "…", nothing cut off below). */
async function showsWhole(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1);
}

/** Whether the element lies wholly inside the screen's width. */
async function onScreen(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  return !!box && box.x >= 0 && box.x + box.width <= PHONE_390.width;
}

describe('a phone in the general office (390 px)', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startBrowserServer({ LOGIN_RATE_PER_MINUTE: '1000' });
    const admin = client(server);
    const { token } = await createSetupToken(server.deps.db, server.deps.clock, null);
    await admin.call('POST', '/api/setup', {
      token,
      school: { nameZh: '海景示範中學', nameEn: 'Harbour View Demonstration Secondary School', schoolNumber: '990002' },
      admin: {
        username: 'sysadmin',
        displayNameEn: 'Chan Tai Man',
        displayNameZh: '陳大文',
        email: 'sysadmin@example.edu.hk',
        password: PASSWORD,
      },
    });
    await admin.me();
    const start = await admin.call('POST', '/api/account/mfa/enrol/start', {});
    await admin.call('POST', '/api/account/mfa/enrol/confirm', { code: await generate({ secret: String(start.secret) }) });
    await admin.me();
    const year = await admin.call('POST', '/api/school/years', { startYear: 2026 });
    const klass = await admin.call('POST', '/api/school/classes', {
      yearId: year.id,
      code: '3A',
      level: 'S3',
      nameZh: '中三甲',
      nameEn: '3A',
    });
    const students = [
      { regNo: 'S260001', nameZh: '陳嘉欣', nameEn: 'CHAN Ka Yan', classNumber: 5 },
      { regNo: 'S260002', nameZh: '李志明', nameEn: 'LEE Chi Ming', classNumber: 12 },
    ];
    for (const s of students)
      await admin.call('POST', '/api/students', {
        regNo: s.regNo,
        nameZh: s.nameZh,
        nameEn: s.nameEn,
        sex: 'F',
        dateOfBirth: '2012-03-04',
        idType: 'other',
        idNumber: `X${s.regNo}`,
        entryDate: '2026-09-01',
        classId: klass.id,
        classNumber: s.classNumber,
      });
    await admin.call('POST', '/api/staff', { staffCode: 'T001', nameZh: '何美玲', nameEn: 'HO Mei Ling', joinDate: '2026-09-01' });
    const roles = (await admin.call('GET', '/api/admin/roles')).roles as { id: string; key: string }[];
    const initial = 'office morning harbour ferry';
    await admin.call('POST', '/api/admin/users', {
      username: 'clerk',
      displayNameEn: 'Wong Siu Fong',
      displayNameZh: '黃小芳',
      password: initial,
      roleIds: [roles.find((r) => r.key === 'office_staff')?.id],
    });
    const clerk = client(server);
    await clerk.call('POST', '/api/auth/login', { username: 'clerk', password: initial, school: '990002' });
    await clerk.me();
    await clerk.call('POST', '/api/account/password', { currentPassword: initial, newPassword: `${initial} changed` });
    await clerk.me();
    const enrol = await clerk.call('POST', '/api/account/mfa/enrol/start', {});
    await clerk.call('POST', '/api/account/mfa/enrol/confirm', { code: await generate({ secret: String(enrol.secret) }) });
    expect((await clerk.me()).stage).toBe('done');
    browser = await launch();
    context = await browser.newContext({ viewport: PHONE_390, baseURL: server.base });
    await context.addCookies([{ name: 'sid', value: clerk.sid(), url: server.base }]);
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await closeAll(browser, server);
  });

  it('finds a student by Chinese name and shows the names on the card, class and number beside them', async () => {
    await page.goto('/students');
    await page.waitForSelector(tid('student-row'));
    expect(await page.getAttribute(tid('students-table'), 'data-layout')).toBe('cards');
    await page.fill(tid('student-search'), '嘉欣');
    await page.click(tid('student-search-submit'));
    await expect.poll(() => page.locator(tid('student-row')).count()).toBe(1);
    const card = page.locator(tid('student-row'));
    expect(await card.locator(tid('student-name-zh')).textContent()).toBe('陳嘉欣');
    expect(await card.locator(tid('student-name-en')).textContent()).toBe('CHAN Ka Yan');
    expect(await card.textContent()).toContain('3A');
    expect(await onScreen(page, `${tid('student-row')} ${tid('student-name-zh')}`)).toBe(true);
    expect(await onScreen(page, `${tid('student-row')} ${tid('student-name-en')}`)).toBe(true);
    // Nothing on the page scrolls sideways.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE_390.width);
    await shot(page, 'phone-students-zh');
  });

  it('keeps the school name, language, notifications and sign-out in the header, in Chinese and in English', async () => {
    for (const language of ['zh', 'en'] as const) {
      if (language === 'en') await switchLanguage(page, 'en');
      await page.goto('/students');
      await page.waitForSelector(tid('student-row'));
      const name = language === 'en' ? 'Harbour View Demonstration Secondary School' : '海景示範中學';
      await expect.poll(() => page.textContent(tid('school-name'))).toBe(name);
      expect(await showsWhole(page, tid('school-name')), `${language}: the school name is cut`).toBe(true);
      expect(await onScreen(page, tid('notifications-bell'))).toBe(true);
      expect(await onScreen(page, tid('header-menu'))).toBe(true);
      await page.click(tid('header-menu'));
      for (const item of ['lang-switch-zh', 'lang-switch-en', 'logout']) {
        expect(await page.locator(tid(item)).isVisible(), `${language}: ${item}`).toBe(true);
        expect(await onScreen(page, tid(item)), `${language}: ${item} off-screen`).toBe(true);
      }
      await shot(page, `phone-header-menu-${language}`);
      await page.keyboard.press('Escape');
    }
  });

  it('writes dates day first in English and 年月日 in Chinese', async () => {
    await page.goto('/staff');
    await page.waitForSelector(tid('staff-row'));
    await expect.poll(() => page.textContent(tid('staff-row'))).toContain('01/09/2026');
    expect(await page.textContent(tid('staff-row'))).toContain('HO Mei Ling');
    await switchLanguage(page, 'zh');
    await expect.poll(() => page.textContent(tid('staff-row'))).toContain('2026年9月1日');
    expect(await page.textContent(tid('staff-row'))).toContain('何美玲');
    await shot(page, 'phone-staff-zh');
  });

  it('signs out from the header menu', async () => {
    await signOut(page);
    await page.waitForSelector(tid('login-username'));
  });
});
