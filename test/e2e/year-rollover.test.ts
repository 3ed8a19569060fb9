import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FROM, TO, rolloverFixture } from '../helpers/rollover-fixture.js';
import { closeAll, expectAccessible, modalSettled, noToasts, openOnPhone, setUpSchoolInBrowser, shot, tid, write } from './helpers.js';

/**
 * The year rollover (memo O3, issue 11 parts 3 and 4) in Chromium: the administrator plans next
 * year's classes, sees the preview's exceptions (a class over its capacity, a student in no class),
 * resolves them, runs a dry run, migrates with the year's code typed, and undoes it — in Chinese,
 * then the plan's screens in English.
 */
const PASSWORD = 'a long school passphrase 2026';
let server: Awaited<ReturnType<typeof openOnPhone>>['server'];
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await openOnPhone());
  page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
  await setUpSchoolInBrowser(page, () => server.setupLink(), PASSWORD);
  const me = (await (await page.request.get('/api/auth/me')).json()) as { school: { id: string } };
  // A small school of the demo's shape: S1–S6 × 2 classes × 5 students, with the year's edge cases.
  await rolloverFixture(server.deps.db, me.school.id, 2, 5);
  await page.setViewportSize({ width: 1280, height: 900 });
}, 240_000);
afterAll(async () => {
  await closeAll(browser, server);
});

const tab = async (name: string) => {
  await page.click(tid(`rollover-tab-${name}`));
};

describe('planning the new year in the browser', () => {
  it('starts a plan with this year’s classes', async () => {
    await page.goto('/planning/rollover');
    await page.waitForSelector(tid('rollover-none'));
    await page.click(tid('rollover-start'));
    await page.waitForSelector(tid('rollover-classes'));
    expect(await page.textContent(tid('rollover-summary'))).toContain(TO.code);
    expect(await page.locator(tid('rollover-class-row')).count()).toBe(12);
    await expectAccessible(page, 'rollover-classes');
  });

  it('lists every exception in the preview, and they are resolved on the screens', async () => {
    // 2A can hold only one: the four promoted from 1A are too many.
    await page.locator(`${tid('rollover-class-row')}[data-code="2A"] ${tid('rollover-class-capacity')}`).fill('1');
    await page.click(tid('rollover-classes-save'));
    await noToasts(page);
    await tab('preview');
    await page.waitForSelector(tid('rollover-exceptions'));
    const codes = await page.locator(`${tid('rollover-exceptions')} li`).evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
    expect(codes.sort()).toEqual(['class_over_capacity', 'not_placed']);
    expect(await page.textContent(tid('rollover-exceptions'))).toContain('R99999');
    await shot(page, 'rollover-preview-exceptions');
    // The student in no class is placed by hand, with the reason.
    await tab('decisions');
    await page.fill(tid('rollover-filter-search'), 'R99999');
    await page.click(tid('rollover-decision-edit'));
    await modalSettled(page);
    await page.click(tid('rollover-decision-action'));
    // Only the intake is admitted: a student on roll in no class is kept back into a class, with the reason.
    await page.getByRole('option', { name: '留班' }).click();
    await page.click(tid('rollover-decision-class'));
    await page.getByRole('option', { name: /^1A / }).click();
    await page.fill(tid('rollover-decision-reason'), '六月插班');
    await page.click(tid('rollover-decision-save'));
    await page.waitForSelector(tid('rollover-decision-save'), { state: 'detached' });
    await expect.poll(() => page.textContent(`${tid('rollover-decision-row')}[data-reg-no="R99999"]`)).toContain('六月插班');
    await tab('classes');
    await page.locator(`${tid('rollover-class-row')}[data-code="2A"] ${tid('rollover-class-capacity')}`).fill('40');
    await page.click(tid('rollover-classes-save'));
    await noToasts(page);
    await tab('preview');
    await page.waitForSelector(tid('rollover-no-exceptions'));
    expect(await page.textContent(tid('rollover-total-graduating'))).toBe('10');
    await shot(page, 'rollover-preview');
  });

  it('runs a dry run, migrates with the year’s code typed, then undoes it', async () => {
    await tab('migrate');
    await page.click(tid('rollover-dry-run'));
    await page.waitForSelector(`${tid('rollover-result')}[data-dry-run="true"]`);
    expect(await page.textContent(tid('rollover-written-placements'))).toMatch(/: 49$/);
    await page.click(tid('rollover-migrate'));
    await modalSettled(page);
    await expectAccessible(page, 'rollover-migrate-confirm');
    expect(await page.isDisabled(tid('rollover-confirm-migrate'))).toBe(true);
    await page.fill(tid('rollover-confirm-code'), TO.code);
    await page.click(tid('rollover-confirm-migrate'));
    await page.waitForSelector(`${tid('rollover-status')}[data-status="migrated"]`);
    await noToasts(page);
    const years = (await (await page.request.get('/api/school/years')).json()) as { years: { code: string; status: string }[] };
    expect(Object.fromEntries(years.years.map((y) => [y.code, y.status]))).toMatchObject({ [FROM.code]: 'finished', [TO.code]: 'current' });
    await shot(page, 'rollover-migrated');
    await tab('migrate');
    await page.click(tid('rollover-undo'));
    await modalSettled(page);
    await page.click(tid('rollover-confirm-undo'));
    await page.waitForSelector(`${tid('rollover-status')}[data-status="draft"]`);
    const after = (await (await page.request.get('/api/school/years')).json()) as { years: { code: string; status: string }[] };
    expect(after.years.map((y) => y.code)).not.toContain(TO.code);
  });

  it('shows the plan in English too', async () => {
    await write(page.request, 'put', '/api/account/locale', { locale: 'en' });
    await page.goto('/planning/rollover');
    await page.waitForSelector(tid('rollover-summary'));
    expect(await page.textContent('h2')).toBe('Plan the new school year');
    await tab('preview');
    await page.waitForSelector(tid('rollover-no-exceptions'));
    expect(await page.textContent(tid('rollover-no-exceptions'))).toContain('No exceptions');
    await expectAccessible(page, 'rollover-preview-en');
  });
});
