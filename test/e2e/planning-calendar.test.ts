import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PHONE,
  closeAll,
  csrf,
  expectAccessible,
  modalSettled,
  noToasts,
  openNav,
  openOnPhone,
  setUpSchoolInBrowser,
  shot,
  tid,
  write,
  switchLanguage,
} from './helpers.js';

/**
 * Year planning (memo O3) in Chromium: the school executive officer makes the year's work calendar,
 * marks a task done and starts the transition plan; the principal, who may only read, follows the
 * progress in Chinese and in English and is offered nothing to change.
 */
const PASSWORD = 'a long school passphrase 2026';
let server: Awaited<ReturnType<typeof openOnPhone>>['server'];
let browser: Browser;
let admin: Page;
let seoContext: BrowserContext;
let principalContext: BrowserContext;
let seo: Page;
let principal: Page;

/** A person the administrator created signs in for the first time through the API of their own browser context. */
async function firstSignIn(context: BrowserContext, username: string, first: string): Promise<void> {
  const api = context.request;
  const login = await api.post('/api/auth/login', { data: { username, password: first, school: '512345' } });
  expect(login.ok(), await login.text()).toBe(true);
  await write(api, 'post', '/api/account/password', { currentPassword: first, newPassword: `${first} renewed 2026` });
  const me = (await (await api.get('/api/auth/me')).json()) as { stage: string };
  if (me.stage === 'enrol') {
    const started = await write(api, 'post', '/api/account/mfa/enrol/start', {});
    const { secret } = (await started.json()) as { secret: string };
    await write(api, 'post', '/api/account/mfa/enrol/confirm', { code: await generate({ secret }) });
  }
  expect(((await (await api.get('/api/auth/me')).json()) as { stage: string }).stage).toBe('done');
}

beforeAll(async () => {
  ({ server, browser, page: admin } = await openOnPhone());
  await setUpSchoolInBrowser(admin, () => server.setupLink(), PASSWORD);
  const api = admin.request;
  // The school's first year (2026/27) is current; the transition plan leads into 2027/28.
  await write(api, 'post', '/api/school/years', { startYear: 2026 });
  const roles = ((await (await api.get('/api/admin/roles')).json()) as { roles: { id: string; key: string | null }[] }).roles;
  const roleId = (key: string) => roles.find((r) => r.key === key)?.id ?? '';
  const token = await csrf(api);
  for (const user of [
    {
      username: 'kmchan',
      displayNameEn: 'Chan Ka Man',
      displayNameZh: '陳嘉敏',
      password: 'seo initial passphrase',
      roleIds: [roleId('seo')],
    },
    {
      username: 'lkho',
      displayNameEn: 'Ho Lai Kwan',
      displayNameZh: '何麗君',
      password: 'principal initial passphrase',
      roleIds: [roleId('principal')],
    },
  ]) {
    const created = await api.post('/api/admin/users', { data: user, headers: { 'x-csrf-token': token } });
    expect(created.status(), await created.text()).toBe(201);
  }
  seoContext = await browser.newContext({ viewport: PHONE, baseURL: server.base });
  principalContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.base });
  await firstSignIn(seoContext, 'kmchan', 'seo initial passphrase');
  await firstSignIn(principalContext, 'lkho', 'principal initial passphrase');
  seo = await seoContext.newPage();
  principal = await principalContext.newPage();
});
afterAll(() => closeAll(seoContext, principalContext, browser, server));

describe('year planning in Chromium', () => {
  it('the SEO opens year planning from the menu and makes the year’s tasks from the shipped templates', async () => {
    await seo.goto('/');
    await openNav(seo, 'planning');
    await seo.waitForSelector(tid('calendar-empty'));
    expect(await seo.textContent(tid('calendar-empty'))).toContain('2026/27');
    await seo.click(tid('calendar-make'));
    await seo.waitForSelector(tid('calendar-task-headcount'));
    await noToasts(seo);
    expect(await seo.getAttribute(tid('calendar-progress'), 'data-done')).toBe('0');
    // September first: the enrolment survey's month leads.
    const months = await seo
      .locator('[data-testid^="calendar-month-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(months[0]).toBe('calendar-month-9');
    expect(await seo.textContent(tid('calendar-month-10'))).toContain('實際在學人數點算');
  });

  it('the SEO marks the headcount done with a note', async () => {
    const headcount = seo.locator(tid('calendar-task-headcount'));
    expect(await headcount.getAttribute('data-state')).toBe('overdue');
    await headcount.locator(tid('calendar-task-done')).click();
    await modalSettled(seo);
    await expectAccessible(seo, 'planning-done-dialog');
    await seo.fill(tid('planning-done-note'), '已於10月20日點算 / counted on 20 October');
    await seo.click(tid('planning-done-save'));
    await expect.poll(() => seo.locator(tid('calendar-task-headcount')).getAttribute('data-state')).toBe('done');
    await noToasts(seo);
    expect(await seo.locator(tid('calendar-task-headcount')).locator(tid('calendar-task-done-by')).textContent()).toContain('陳嘉敏');
    expect(await seo.getAttribute(tid('calendar-progress'), 'data-done')).toBe('1');
    await expectAccessible(seo, 'planning-calendar-seo');
    await shot(seo, 'planning-calendar-seo-phone-zh');
  });

  it('the SEO starts the transition plan; a step out of order is refused, naming what comes first', async () => {
    await seo.click(tid('tab-plan'));
    await seo.click(tid('plan-start'));
    await seo.waitForSelector(tid('plan-step-plan_classes'));
    await noToasts(seo);
    expect(await seo.getAttribute(tid('plan-step-plan_classes'), 'data-ready')).toBe('true');
    await seo.locator(tid('plan-step-decide_promotion')).locator(tid('plan-step-done')).click();
    await modalSettled(seo);
    await seo.click(tid('planning-done-save'));
    const refusal = seo.locator(`${tid('form-error')}[data-code="step_dependencies_open"]`);
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('規劃班別');
    await seo.click('.mantine-Modal-close');
    await seo.locator(tid('plan-step-plan_classes')).locator(tid('plan-step-done')).click();
    await modalSettled(seo);
    await seo.click(tid('planning-done-save'));
    await expect.poll(() => seo.locator(tid('plan-step-plan_classes')).getAttribute('data-state')).toBe('done');
    await noToasts(seo);
    expect(await seo.getAttribute(tid('plan-progress'), 'data-done')).toBe('1');
    await expectAccessible(seo, 'planning-plan-seo');
    await shot(seo, 'planning-plan-seo-phone-zh');
  });

  it('the principal sees the progress in Chinese and in English, with nothing to change', async () => {
    await principal.goto('/planning');
    await principal.waitForSelector(tid('calendar-progress'));
    expect(await principal.getAttribute(tid('calendar-progress'), 'data-done')).toBe('1');
    expect(await principal.textContent(tid('calendar-progress'))).toContain('已完成1/');
    expect(await principal.locator(tid('calendar-task-done')).count()).toBe(0);
    expect(await principal.locator(tid('calendar-make')).count()).toBe(0);
    await expectAccessible(principal, 'planning-calendar-principal-zh');
    await switchLanguage(principal, 'en');
    await expect.poll(() => principal.textContent(tid('calendar-progress'))).toContain('1 of ');
    expect(await principal.textContent(tid('calendar-task-headcount'))).toContain('Student headcount on the October reference date');
    await principal.click(tid('tab-plan'));
    await principal.waitForSelector(tid('plan-progress'));
    expect(await principal.textContent(tid('plan-progress'))).toContain('1 of 6 done');
    expect(await principal.textContent(tid('transition-plan'))).toContain('Transition plan for 2027/28');
    expect(await principal.locator(tid('plan-step-done')).count()).toBe(0);
    await expectAccessible(principal, 'planning-plan-principal-en');
    await shot(principal, 'planning-plan-principal-wide-en');
  });
});
