/**
 * The principal's dashboard in a real browser (issue 14 item 2 and "all 20 memo items"): the principal sees every
 * memo item (monitored or "not monitored yet") with the overall figure, follows every link on the dashboard and
 * never lands on "你沒有權限進行此操作", and asks the system administrator about an item only they can fix. 中文 and English.
 */
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEMO_ITEMS } from '../../src/contracts/governance.js';
import { createSetupToken } from '../../src/server/core/setup/service.js';
import { closeAll, launch, shot, startBrowserServer, tid } from './helpers.js';

type Server = Awaited<ReturnType<typeof startBrowserServer>>;
const PASSWORD = 'harbour view school 2026 dashboard';
const FORBIDDEN = { 'zh-HK': '你沒有權限進行此操作', en: 'You do not have permission to do this' } as const;

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
type Client = ReturnType<typeof client>;

/** Waits until no loader spins and the page has stopped changing for a moment. */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __last?: string; __same?: number };
      const busy = document.querySelector('.mantine-Loader-root, [aria-busy="true"]');
      const now = document.body.innerHTML.length + ':' + location.pathname;
      w.__same = !busy && w.__last === now ? (w.__same ?? 0) + 1 : 0;
      w.__last = now;
      return (w.__same ?? 0) >= 3;
    },
    undefined,
    { polling: 100, timeout: 20_000 },
  );
}

describe("the principal's dashboard", () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  let principal: Client;

  beforeAll(async () => {
    server = await startBrowserServer({ LOGIN_RATE_PER_MINUTE: '1000' });
    const admin = client(server);
    const { token } = await createSetupToken(server.deps.db, server.deps.clock, null);
    await admin.call('POST', '/api/setup', {
      token,
      school: { nameZh: '海景中學', nameEn: 'Harbour View Secondary School', schoolNumber: '990001' },
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
    const roles = (await admin.call('GET', '/api/admin/roles')).roles as { id: string; key: string }[];
    const initial = 'harbour lighthouse morning tide';
    await admin.call('POST', '/api/admin/users', {
      username: 'principal',
      displayNameEn: 'Lee Wai Man',
      displayNameZh: '李慧敏',
      password: initial,
      roleIds: [roles.find((r) => r.key === 'principal')?.id],
    });
    principal = client(server);
    await principal.call('POST', '/api/auth/login', { username: 'principal', password: initial, school: '990001' });
    await principal.me();
    await principal.call('POST', '/api/account/password', { currentPassword: initial, newPassword: `${initial} changed` });
    await principal.me();
    const enrol = await principal.call('POST', '/api/account/mfa/enrol/start', {});
    await principal.call('POST', '/api/account/mfa/enrol/confirm', { code: await generate({ secret: String(enrol.secret) }) });
    expect((await principal.me()).stage).toBe('done');
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await closeAll(browser, server);
  });

  for (const locale of ['zh-HK', 'en'] as const) {
    it(`shows all twenty memo items and every link leads somewhere the principal may go (${locale})`, async () => {
      await principal.call('PUT', '/api/account/locale', { locale });
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: server.base });
      await context.addCookies([{ name: 'sid', value: principal.sid(), url: server.base }]);
      const page = await context.newPage();
      try {
        await page.goto('/');
        await page.waitForSelector(tid('dashboard-summary'));
        await settle(page);
        // Every item of the memo is on the page: as its checks' cards, or as "not monitored yet".
        for (const memo of MEMO_ITEMS) {
          const cards = await page.locator(`[data-testid^="check-memo.${memo}."], ${tid(`item-${memo}`)}`).count();
          expect(cards, memo).toBeGreaterThan(0);
        }
        const summary = page.locator(tid('dashboard-summary'));
        expect(await summary.getAttribute('data-total')).toBe('20');
        const monitored = Number(await summary.getAttribute('data-monitored'));
        expect(await page.locator('[data-status="unmonitored"]').count()).toBe(20 - monitored);
        // (Mantine's badge shows its words in capitals.)
        expect((await page.locator(tid('item-L1')).innerText()).toLowerCase()).toContain(
          locale === 'en' ? 'not monitored yet' : '未有監察',
        );
        const text = await page.locator('main').innerText();
        expect(text).not.toMatch(/memo\.[UOSLC]\d\.|checks\.|dashboard\./);
        expect(text).not.toContain(locale === 'en' ? 'No checks registered yet' : '尚未有檢查項目');
        await shot(page, `dashboard-principal-${locale}-1440`);

        // Follow every link, as the principal clicks it.
        const hrefs = [
          ...new Set(
            await page
              .locator(`${tid('check-act')}, ${tid('check-detail')}`)
              .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? '')),
          ),
        ];
        expect(hrefs.length).toBeGreaterThanOrEqual(10);
        expect(hrefs).toContain('/governance/items/memo.U2.sso-policy');
        expect(hrefs).not.toContain('/admin/sso');
        for (const href of hrefs) {
          await page.goto('/');
          await page.waitForSelector(tid('dashboard-summary'), { timeout: 15_000 }).catch(async (err: unknown) => {
            throw new Error(`dashboard did not show before following ${href}: ${(await page.locator('body').innerText()).slice(0, 300)}`, {
              cause: err,
            });
          });
          await page.locator(`a[href="${href}"]`).first().click();
          await page.waitForURL((url) => url.pathname === href);
          await settle(page);
          expect(await page.locator(tid('forbidden')).count(), href).toBe(0);
          expect(await page.locator(tid('not-found')).count(), href).toBe(0);
          expect(await page.locator('main').innerText(), href).not.toContain(FORBIDDEN[locale]);
        }
      } finally {
        await context.close();
      }
    }, 300_000);

    it(`the read-only view of an item only the administrator can fix offers to ask them, once a day (${locale})`, async () => {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: server.base });
      await context.addCookies([{ name: 'sid', value: principal.sid(), url: server.base }]);
      await principal.call('PUT', '/api/account/locale', { locale });
      const page = await context.newPage();
      try {
        await page.goto('/governance/items/memo.U2.network-policy');
        await page.waitForSelector(tid('dashboard-item'));
        await settle(page);
        const card = page.locator(tid('check-memo.U2.network-policy'));
        expect(await card.locator(tid('check-act')).count()).toBe(0);
        expect(await card.innerText()).toContain('陳大文');
        await card.locator(tid('ask-owner')).click();
        const result = page.locator(tid('ask-result'));
        await result.waitFor();
        // Chinese first: the administrator is told then; in English the same day, the server says they already were.
        expect(await result.innerText()).toContain(locale === 'en' ? 'already told' : '已通知');
        await shot(page, `dashboard-item-ask-${locale}-390`);
      } finally {
        await context.close();
      }
    }, 120_000);
  }
});
