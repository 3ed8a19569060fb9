/**
 * Accessibility of every page, generated (issue 14): each page of src/web/pages.tsx (read from that
 * file, so a new page is tested the day it is added) × every built-in role that may open it (the
 * school's role templates and the authority's) × 中文 and English × 1440 and 390 pixels wide, with
 * axe: no serious or critical finding. One server, one school with classes and students and the
 * Education Bureau on the same installation; one browser context per person; pages are opened
 * inside the running application (as a click on the menu does), not reloaded.
 *
 * A page the role may not open shows the refusal (data-testid="forbidden") and is left out for that role.
 * Pages whose address needs an id (/students/:id …) are not in this walk; their flows' own tests check them.
 * The ten most used pages are also saved as screenshots (test-results/screenshots/pages/, kept by CI).
 */
import { AxeBuilder } from '@axe-core/playwright';
import { generate } from 'otplib';
import type { BrowserContext, Page } from 'playwright-core';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSetupToken } from '../../src/server/core/setup/service.js';
import { AUTHORITY_ROLE_TEMPLATES, ROLE_TEMPLATES } from '../../src/server/core/auth/permissions.js';
import { rollFixture } from '../helpers/roll-fixture.js';
import { exchangeFixture } from '../helpers/factories.js';
import { SHOTS, closeAll, launch, startBrowserServer } from './helpers.js';

type Server = Awaited<ReturnType<typeof startBrowserServer>>;

/** Every page's address, from the one table the routes are built from (addresses with an id left out). */
export function pagePaths(source = readFileSync(new URL('../../src/web/pages.tsx', import.meta.url), 'utf8')): string[] {
  const table = source.slice(source.indexOf('export const APP_PAGES'));
  const paths = [...table.matchAll(/path: '([^']+)'/g)].map((m) => m[1] ?? '');
  return ['/', ...paths.filter((p) => !p.includes(':'))];
}

/** The pages people open most (issue 14's survey), screenshotted in both languages at both widths. */
const MOST_USED = [
  '/',
  '/students',
  '/staff',
  '/admin/users',
  '/exchange/inbox',
  '/school/setup',
  '/school/import',
  '/audit',
  '/admin/reviews',
  '/account',
];
const WIDTHS = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
] as const;
const LOCALES = ['zh-HK', 'en'] as const;
/** For a quick local look only (CI walks everything): AXE_ROLES=principal,office_staff AXE_PATHS=/,/students. */
const ONLY_ROLES = process.env.AXE_ROLES?.split(',');
const ONLY_PATHS = process.env.AXE_PATHS?.split(',');
/**
 * Every page × every role × both languages × both widths is ~500 page states at ~5 s of axe each on
 * two cores: AXE_FULL=1 runs it. By default the two administrators (who may open every school page
 * and every authority page) walk every page, and every other role has its own shell and dashboard
 * checked, in both languages at both widths.
 */
const FULL = process.env.AXE_FULL === '1';
const WALKERS = new Set(['system_admin', 'authority_admin']);
const PASSWORD = 'harbour view school 2026 axe';

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
  const me = () => call('GET', '/api/auth/me');
  return { call, me, sid: () => sid };
}
type Client = ReturnType<typeof client>;

/** Sets up an organisation (a school, or the Education Bureau) with its first administrator signed in. */
async function organisation(server: Server, authority: 'EDB' | null, username: string): Promise<Client> {
  const c = client(server);
  const { token } = await createSetupToken(server.deps.db, server.deps.clock, authority);
  await c.call('POST', '/api/setup', {
    token,
    school: authority ? undefined : { nameZh: '海景中學', nameEn: 'Harbour View Secondary School', schoolNumber: '990001' },
    admin: { username, displayNameEn: 'Chan Tai Man', displayNameZh: '陳大文', email: `${username}@example.edu.hk`, password: PASSWORD },
  });
  await c.me();
  const start = await c.call('POST', '/api/account/mfa/enrol/start', {});
  await c.call('POST', '/api/account/mfa/enrol/confirm', { code: await generate({ secret: String(start.secret) }) });
  await c.me();
  return c;
}

/** A person with one built-in role, created by the administrator, signed in as far as the system opens. */
async function person(server: Server, admin: Client, role: string, n: number, org: string): Promise<Client> {
  const roles = (await admin.call('GET', '/api/admin/roles')).roles as { id: string; key: string }[];
  const roleId = roles.find((r) => r.key === role)?.id;
  if (!roleId) throw new Error(`no built-in role ${role}`);
  const username = `axe${n}${role.replace(/_/g, '').slice(0, 8)}`;
  const initial = `sea breeze lantern ${4821 + n} harbour`;
  await admin.call('POST', '/api/admin/users', {
    username,
    displayNameEn: `Lee Siu Ming ${n}`,
    displayNameZh: `李小明${n}`,
    password: initial,
    roleIds: [roleId],
  });
  const c = client(server);
  await c.call('POST', '/api/auth/login', { username, password: initial, school: org });
  await c.me();
  await c.call('POST', '/api/account/password', { currentPassword: initial, newPassword: `${initial} changed` });
  await c.me();
  const stage = (await c.me()).stage;
  if (stage === 'enrol') {
    const start = await c.call('POST', '/api/account/mfa/enrol/start', {});
    await c.call('POST', '/api/account/mfa/enrol/confirm', { code: await generate({ secret: String(start.secret) }) });
  }
  if ((await c.me()).stage !== 'done') throw new Error(`${role} could not finish signing in`);
  return c;
}

/** Opens an address inside the running application (the router follows history, as after a menu click). */
async function open(page: Page, path: string): Promise<void> {
  await page.evaluate((p) => {
    window.history.pushState({}, '', p);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  await settle(page);
}

/** Waits until no loader spins and the page has stopped changing for a moment. */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __axeLast?: string; __axeSame?: number };
      const busy = document.querySelector('.mantine-Loader-root, [aria-busy="true"]');
      const now = document.body.innerHTML.length + ':' + location.pathname;
      w.__axeSame = !busy && w.__axeLast === now ? (w.__axeSame ?? 0) + 1 : 0;
      w.__axeLast = now;
      return (w.__axeSame ?? 0) >= 3;
    },
    undefined,
    { polling: 100, timeout: 20_000 },
  );
}

interface Finding {
  where: string;
  rule: string;
  impact: string;
  targets: string;
}

describe('every page, every built-in role, both languages, both widths: no serious or critical axe finding', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  const people: { role: string; client: Client; authority: boolean }[] = [];

  beforeAll(async () => {
    server = await startBrowserServer({ LOGIN_RATE_PER_MINUTE: '1000' });
    const admin = await organisation(server, null, 'sysadmin');
    const schoolId = String(((await admin.me()).school as { id: string }).id);
    await rollFixture(server.deps.db, schoolId);
    const edb = await organisation(server, 'EDB', 'edbadmin');
    const edbMe = await edb.me();
    await exchangeFixture(server.deps.db, {
      authorityId: String((edbMe.school as { id: string }).id),
      publisherId: String((edbMe.user as { id: string }).id),
      schoolId,
      ref: 'EDB/AXE/2026/1',
    });
    people.push({ role: 'system_admin', client: admin, authority: false });
    let n = 0;
    for (const t of ROLE_TEMPLATES.filter((r) => r.key !== 'system_admin'))
      people.push({ role: t.key, client: await person(server, admin, t.key, ++n, '990001'), authority: false });
    people.push({ role: 'authority_admin', client: edb, authority: true });
    for (const t of AUTHORITY_ROLE_TEMPLATES.filter((r) => r.key !== 'authority_admin'))
      people.push({ role: t.key, client: await person(server, edb, t.key, ++n, 'EDB'), authority: true });
    browser = await launch();
    mkdirSync(`${SHOTS}/pages`, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await closeAll(browser, server);
  });

  it('the walk covers every page in the table and every built-in role', () => {
    const paths = pagePaths();
    expect(paths).toContain('/students');
    expect(paths).toContain('/authority/messages');
    // The table parser sees a page added the usual way.
    expect(pagePaths("export const APP_PAGES = [{ path: '/planning/calendar', Page: x }, { path: '/x/:id', Page: y }]")).toEqual([
      '/',
      '/planning/calendar',
    ]);
    expect(people.map((p) => p.role).sort()).toEqual([...ROLE_TEMPLATES, ...AUTHORITY_ROLE_TEMPLATES].map((t) => t.key).sort());
  });

  it('finds nothing serious or critical', async () => {
    const paths = pagePaths().filter((p) => !ONLY_PATHS || ONLY_PATHS.includes(p));
    const findings: Finding[] = [];
    const checked = new Set<string>();
    let runs = 0;
    let skippedSame = 0;
    const t0 = Date.now();

    // Two people at a time (the machines have two cores), each in their own browser context.
    const queue = people.filter((p) => !ONLY_ROLES || ONLY_ROLES.includes(p.role));
    const worker = async () => {
      for (let who = queue.shift(); who; who = queue.shift()) {
        const context: BrowserContext = await browser.newContext({ viewport: WIDTHS[0], baseURL: server.base });
        await context.addCookies([{ name: 'sid', value: who.client.sid(), url: server.base }]);
        const page = await context.newPage();
        let allowed: string[] | null = null;
        for (const locale of LOCALES) {
          await who.client.call('PUT', '/api/account/locale', { locale });
          for (const size of WIDTHS) {
            await page.setViewportSize(size);
            await page.goto('/');
            await settle(page);
            const mayOpen: string[] = [];
            // Each role's own shell and dashboard always; every page for the two administrators, who
            // open them all; every page for every role with AXE_FULL=1 (too long for every run here).
            const walk = FULL || WALKERS.has(who.role) ? paths : paths.filter((p) => p === '/');
            for (const path of allowed ?? walk) {
              await open(page, path);
              if (allowed === null && (await page.locator('[data-testid="forbidden"]').count())) continue;
              mayOpen.push(path);
              const where = `${who.role} ${locale} ${size.width} ${path}`;
              // The shell (header, menu) differs by role: it is checked whole on the first page of each
              // role, language and width; after that only the page's own part. A part already checked in
              // the same state (two roles that see a page alike, names of the person aside) is not checked again.
              const whole = path === '/';
              const html = await page.evaluate(
                `(${whole} ? document.documentElement : document.querySelector('main') ?? document.documentElement).outerHTML`,
              );
              const same = String(html).replace(/Lee Siu Ming \d+|李小明\d+|axe\d+[a-z]+/g, '•');
              const key = createHash('sha256').update(`${size.width}\n${whole}\n${same}`).digest('hex');
              if (checked.has(key)) {
                skippedSame++;
              } else {
                checked.add(key);
                runs++;
                const builder = new AxeBuilder({ page });
                const result = await (whole ? builder : builder.include('main')).analyze();
                for (const v of result.violations) {
                  if (v.impact !== 'serious' && v.impact !== 'critical') continue;
                  console.log(
                    `axe finding: ${v.id} (${v.impact}) on ${where}: ${v.nodes[0]?.target.join(' ')} ${v.nodes[0]?.failureSummary ?? ''}`,
                  );
                  findings.push({
                    where,
                    rule: v.id,
                    impact: v.impact,
                    targets: v.nodes
                      .slice(0, 3)
                      .map((node) => node.target.join(' '))
                      .join(', '),
                  });
                }
              }
              if (who.role === 'system_admin' && MOST_USED.includes(path)) {
                const name = `${path === '/' ? 'dashboard' : path.slice(1).replace(/\//g, '-')}-${locale}-${size.width}`;
                await page.screenshot({ path: `${SHOTS}/pages/${name}.png`, fullPage: true });
              }
            }
            allowed ??= mayOpen;
          }
        }
        console.log(`axe: ${who.role} may open ${allowed?.length ?? 0} of ${paths.length} pages`);
        await context.close();
      }
    };
    await Promise.all([worker(), worker()]);
    console.log(
      `axe: ${runs} pages checked, ${skippedSame} identical ones skipped, ${findings.length} serious or critical findings, ${Math.round((Date.now() - t0) / 1000)} s`,
    );
    // One line per rule and page, so a failure reads as a list of what to fix.
    const lines = [...new Set(findings.map((f) => `${f.rule} (${f.impact}) on ${f.where}: ${f.targets}`))];
    expect(lines).toEqual([]);
  }, 900_000);
});
