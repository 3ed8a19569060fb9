import { generate } from 'otplib';
import { AxeBuilder } from '@axe-core/playwright';
import { type APIRequestContext, type Browser, type Page, chromium } from 'playwright-core';
import pino from 'pino';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { createSetupToken } from '../../src/server/core/setup/service.js';
import { createServer } from '../../src/server/server.js';
import { freshDb } from '../helpers/db.js';

export const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

/** A loopback port that was free a moment ago (for settings such as PUBLIC_URL that need it before the server starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The real server on a fresh embedded database, listening on a free loopback port.
 * `env` adds settings (e.g. TRUST_PROXY, PUBLIC_URL); with `PORT` in it the server listens on that port.
 */
export async function startBrowserServer(env: Record<string, string> = {}) {
  const tdb = await freshDb();
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'sams-e2e-')),
    SERVER_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ARGON2_MEMORY_KIB: '4096',
    ...env,
  });
  const server = await createServer({ config, db: tdb.db, logger: pino({ level: 'silent' }) });
  await server.app.listen({ port: env.PORT ? Number(env.PORT) : 0, host: '127.0.0.1' });
  const port = (server.app.server.address() as { port: number }).port;
  return {
    ...server,
    base: `http://127.0.0.1:${port}`,
    setupLink: async () => `/setup/${(await createSetupToken(server.deps.db, server.deps.clock)).token}`,
    /** A first-user link for the Education Bureau or the HKEAA (an authority, not a school). */
    authoritySetupLink: async (code: 'EDB' | 'HKEAA') =>
      `/setup/${(await createSetupToken(server.deps.db, server.deps.clock, code)).token}`,
    async close() {
      await server.close();
      await tdb.drop();
    },
  };
}

/** A phone's screen: most flows are tried as a person between lessons or meetings would. */
export const PHONE = { width: 375, height: 812 };

/** The server, a browser and a page on a phone-sized screen: what most browser tests start from. */
export async function openOnPhone(env: Record<string, string> = {}) {
  const server = await startBrowserServer(env);
  const browser = await launch();
  const context = await browser.newContext({ viewport: PHONE, baseURL: server.base });
  const page = await context.newPage();
  return { server, browser, context, page };
}

/** Close whatever a test opened, in order, skipping what never opened. */
export async function closeAll(...things: ({ close(): Promise<unknown> } | { dispose(): Promise<unknown> } | undefined)[]): Promise<void> {
  for (const t of things) {
    if (!t) continue;
    await ('dispose' in t ? t.dispose() : t.close());
  }
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** axe-core must find no serious or critical violation. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${name}: ${v.id} (${v.impact}) ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    ),
  ).toEqual([]);
}

export const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

export const tid = (id: string) => `[data-testid="${id}"]`;

export interface BrowserSetup {
  /** The TOTP secret the first administrator enrolled. */
  secret: string;
  /** The organisation key's words, shown once at setup. */
  words: string[];
}

/**
 * First-run setup through the web, as a school's first administrator does it: the setup form, the
 * school key, TOTP enrolment and the recovery codes. Returns the TOTP secret. (first-run.test.ts
 * walks the same steps with checks and screenshots at each.)
 */
export async function setUpSchoolInBrowser(page: Page, setupLink: () => Promise<string>, password: string): Promise<string> {
  return (await setUpInBrowser(page, setupLink, password)).secret;
}

/**
 * The same steps for a school or, with `authority`, for the first user of the Education Bureau or
 * the HKEAA (whose setup form asks for no school details). Returns the TOTP secret and the key's words.
 */
export async function setUpInBrowser(
  page: Page,
  setupLink: () => Promise<string>,
  password: string,
  authority?: { username: string; nameEn: string; nameZh: string; email: string },
): Promise<BrowserSetup> {
  await page.goto(await setupLink());
  if (authority) {
    await page.waitForSelector(tid('setup-authority'));
    expect(await page.locator(tid('setup-school-name-zh')).count()).toBe(0);
  } else {
    await page.waitForSelector(tid('setup-school-name-zh'));
    await page.fill(tid('setup-school-name-zh'), '聖瑪利亞書院');
    await page.fill(tid('setup-school-name-en'), "St. Mary's College");
    await page.fill(tid('setup-school-number'), '512345');
  }
  await page.fill(tid('setup-admin-name-en'), authority?.nameEn ?? 'Wong Siu Ming');
  await page.fill(tid('setup-admin-name-zh'), authority?.nameZh ?? '黃小明');
  await page.fill(tid('setup-admin-email'), authority?.email ?? 'sm.wong@stmarys.edu.hk');
  await page.fill(tid('setup-admin-username'), authority?.username ?? 'smwong');
  await page.fill(tid('setup-admin-password'), password);
  await page.fill(tid('setup-admin-password-confirm'), password);
  await page.click(tid('setup-submit'));
  await page.waitForSelector(tid('school-key-words'));
  const words = (await page.locator(tid('school-key-word')).allTextContents()).map((w) => w.trim());
  expect(words).toHaveLength(24);
  await page.check(tid('school-key-ack'));
  await page.click(tid('school-key-continue'));
  await page.waitForSelector(tid('totp-secret'));
  const secret = (await page.textContent(tid('totp-secret')))?.trim() ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await page.fill(tid('enrol-code'), await generate({ secret }));
  await page.click(tid('enrol-submit'));
  await page.waitForSelector(tid('recovery-codes'));
  await page.click(tid('recovery-continue'));
  // A school's administrator lands on the dashboard; an authority's on its messages.
  await page.waitForSelector(authority ? tid('authority-messages') : tid('check-memo.S1.admin-mfa'));
  return { secret, words };
}

/** The CSRF token of the signed-in context, for API calls made beside the UI. */
export async function csrf(api: APIRequestContext): Promise<string> {
  const me = await api.get('/api/auth/me');
  expect(me.ok()).toBe(true);
  return ((await me.json()) as { csrfToken: string }).csrfToken;
}

export async function write(api: APIRequestContext, method: 'post' | 'put', path: string, data: unknown) {
  const response = await api[method](path, { data, headers: { 'x-csrf-token': await csrf(api) } });
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBe(true);
  return response;
}

/** On a phone the navigation opens from the menu button. */
export async function openNav(page: Page, item: string): Promise<void> {
  await page.click(tid('nav-burger'));
  await page.click(tid(`nav-${item}`));
}

/**
 * Closes every confirmation toast (as a person would, with its close button) and waits until they
 * are gone, so axe and screenshots see the page itself. Waiting for them to close by themselves
 * cost four seconds each.
 */
export async function noToasts(page: Page): Promise<void> {
  // A toast under the pointer stays open, so the pointer moves out of the way first.
  await page.mouse.move(1, 400);
  const toasts = page.locator('.mantine-Notification-root');
  await expect
    .poll(
      async () => {
        for (const close of await page.locator('.mantine-Notification-root .mantine-Notification-closeButton').all()) {
          await close.click({ timeout: 1_000 }).catch(() => undefined);
        }
        return toasts.count();
      },
      { timeout: 20_000 },
    )
    .toBe(0);
}

/** Waits until an opened modal has finished fading in (axe would measure colours half-way). */
export async function modalSettled(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(() => [...document.querySelectorAll('.mantine-Modal-content')].map((e) => getComputedStyle(e).opacity).join(',')),
    )
    .toBe('1');
}

/** Choose the screen language from the header: the two buttons on a wide screen, the header menu on a phone. */
export async function switchLanguage(page: Page, language: 'zh' | 'en'): Promise<void> {
  const menu = page.locator('[data-testid="header-menu"]');
  if (await menu.isVisible()) await menu.click();
  await page.click(`[data-testid="lang-switch-${language}"]`);
}

/** Sign out from the header (inside the header menu on a phone). */
export async function signOut(page: Page): Promise<void> {
  const menu = page.locator('[data-testid="header-menu"]');
  if (await menu.isVisible()) await menu.click();
  await page.click('[data-testid="logout"]');
}
