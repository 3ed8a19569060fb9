/**
 * `npm run bench:first-load [-- <project folder> …]`: what the first visit costs a person on a phone
 * (issue 14, "a light first load"). For each project folder (default: this one; give an older
 * checkout's folder first to compare, e.g. a `git worktree` of the commit before, with its web built):
 *  - starts that folder's own server (its code, its dist/web) on a fresh embedded database with one
 *    school whose administrator is signed in;
 *  - opens the sign-in page and the dashboard in Chromium, each in a fresh context (empty cache),
 *    with 4× CPU slowdown and a slow mobile network (400 ms round trip, 400 kbit/s each way);
 *  - records the time from navigation until the page accepts input (the sign-in page's user-name
 *    field, the dashboard's first check card is in the page: React has attached its handlers by then),
 *    the bytes that crossed the network, and the script the page loaded, gzip-compressed at level 9
 *    (the figure the 200 KB budget in vite.config.ts holds).
 * Runs are interleaved between folders (machine noise hits both alike); medians of RUNS (default 3).
 */
import { generate } from 'otplib';
import type { CDPSession, Page } from 'playwright-core';
import pino from 'pino';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launch } from '../test/e2e/helpers.js';

const RUNS = Number(process.env.RUNS ?? 3);
const CPU_SLOWDOWN = 4;
/** Slow mobile network: 400 ms round trip, 400 kbit/s down and up (bytes per second for CDP). */
const NETWORK = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };

interface Target {
  name: 'sign-in' | 'dashboard';
  path: string;
  ready: string;
}
const TARGETS: Target[] = [
  { name: 'sign-in', path: '/login', ready: '[data-testid="login-username"]' },
  { name: 'dashboard', path: '/', ready: '[data-testid^="check-memo."]' },
];

interface Served {
  label: string;
  folder: string;
  base: string;
  cookie: string;
  close(): Promise<void>;
}

/** One folder's own server (imported from its source), with a school and a signed-in administrator. */
async function serve(folder: string): Promise<Served> {
  if (!existsSync(join(folder, 'dist/web/index.html'))) throw new Error(`${folder}: no dist/web (run npm run build:web there)`);
  const src = (p: string) => import(pathToFileURL(join(folder, 'src/server', p)).href);
  const { loadConfig } = await src('config.ts');
  const { createServer } = await src('server.ts');
  const { createSetupToken } = await src('core/setup/service.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'sams-first-load-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SCHEDULER: 'false', SERVER_KEY: randomBytes(32).toString('hex') });
  const server = await createServer({ config, logger: pino({ level: 'silent' }) });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  let cookie = '';
  let csrf = '';
  const call = async (method: string, url: string, body?: unknown) => {
    const r = await server.app.inject({ method, url, payload: body as object, headers: { cookie: `sid=${cookie}`, 'x-csrf-token': csrf } });
    const sid = (r.cookies as { name: string; value: string }[]).find((c) => c.name === 'sid')?.value;
    if (sid) cookie = sid;
    if (r.statusCode >= 400) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
    return r.body ? JSON.parse(r.body) : null;
  };
  const { token } = await createSetupToken(server.deps.db, server.deps.clock);
  await call('POST', '/api/setup', {
    token,
    school: { nameZh: '效能測試中學', nameEn: 'Bench Secondary School', schoolNumber: '777777' },
    admin: { username: 'benchadmin', displayNameEn: 'Bench Admin', email: 'bench@example.edu.hk', password: 'quiet river lantern 2026' },
  });
  csrf = (await call('GET', '/api/auth/me')).csrfToken;
  const start = await call('POST', '/api/account/mfa/enrol/start', {});
  await call('POST', '/api/account/mfa/enrol/confirm', { code: await generate({ secret: start.secret }) });
  let label = folder;
  try {
    label = execFileSync('git', ['-C', folder, 'log', '-1', '--format=%h'], { encoding: 'utf8' }).trim();
    if (execFileSync('git', ['-C', folder, 'status', '--porcelain', '--', 'src/web', 'vite.config.ts'], { encoding: 'utf8' }).trim())
      label += '+changes';
  } catch {
    // Not a git checkout: the folder's name says which it is.
  }
  return {
    label,
    folder,
    base,
    cookie,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Run {
  readyMs: number;
  bytes: number;
  scripts: string[];
  /** The scripts' bodies as received, gzip-compressed at level 9, in KB (read from the responses, so a rebuild meanwhile cannot skew it). */
  scriptGzipKb: number;
}

async function once(served: Served, target: Target): Promise<Run> {
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: served.base });
    if (target.name === 'dashboard') await context.addCookies([{ name: 'sid', value: served.cookie, url: served.base }]);
    const page: Page = await context.newPage();
    // A page that never gets ready says why (a script error, a refused request) instead of only timing out.
    page.on('pageerror', (e) => console.error(`${served.label} ${target.name}: page error: ${e.message}`));
    const gzipped = new Map<string, Promise<number>>();
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script' && r.ok())
        gzipped.set(
          new URL(r.url()).pathname,
          r.body().then((b) => gzipSync(b, { level: 9 }).length),
        );
      if (r.status() >= 400 && !r.url().includes('/api/auth/me')) console.error(`${served.label} ${target.name}: ${r.status()} ${r.url()}`);
    });
    const cdp: CDPSession = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', NETWORK);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    let bytes = 0;
    const scripts: string[] = [];
    const urls = new Map<string, string>();
    cdp.on('Network.responseReceived', (e) => {
      urls.set(e.requestId, e.response.url);
      if (e.type === 'Script') scripts.push(new URL(e.response.url).pathname);
    });
    cdp.on('Network.loadingFinished', (e) => {
      bytes += e.encodedDataLength;
    });
    await page.addInitScript((selector: string) => {
      const w = window as unknown as { __ready?: number };
      new MutationObserver(() => {
        if (w.__ready === undefined && document.querySelector(selector)) w.__ready = performance.now();
      }).observe(document, { subtree: true, childList: true });
    }, target.ready);
    await page.goto(target.path, { waitUntil: 'commit', timeout: 180_000 });
    await page.waitForFunction(() => (window as unknown as { __ready?: number }).__ready !== undefined, undefined, {
      timeout: 180_000,
      polling: 250,
    });
    const readyMs = await page.evaluate(() => (window as unknown as { __ready: number }).__ready);
    if (target.name === 'sign-in') {
      // It really accepts input: typing lands in the field.
      await page.fill(target.ready, 'benchadmin');
      if ((await page.inputValue(target.ready)) !== 'benchadmin') throw new Error('the sign-in field did not take the typing');
    }
    const scriptGzipKb = (await Promise.all(gzipped.values())).reduce((a, b) => a + b, 0) / 1024;
    await context.close();
    return { readyMs, bytes, scripts, scriptGzipKb };
  } finally {
    await browser.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const folders = (process.argv.slice(2).length ? process.argv.slice(2) : ['.']).map((f) => resolve(f));
const served: Served[] = [];
try {
  for (const f of folders) served.push(await serve(f));
  const results = new Map<string, Run[]>();
  for (let i = 0; i < RUNS; i++) {
    for (const target of TARGETS) {
      for (const s of served) {
        const r = await once(s, target);
        const key = `${s.label}\t${target.name}`;
        results.set(key, [...(results.get(key) ?? []), r]);
        console.log(
          `run ${i + 1} ${s.label} ${target.name}: ready ${Math.round(r.readyMs)} ms, ${Math.round(r.bytes / 1024)} KB over the network`,
        );
      }
    }
  }
  console.log(`\nFirst load, 4× CPU slowdown, 400 ms RTT, 400 kbit/s (median of ${RUNS}, cold cache):`);
  console.log('build\tpage\tready (ms)\tnetwork (KB)\tscript gzip (KB)\tscripts');
  const summary: Record<string, { ready: number; network: number; scriptGzip: number }> = {};
  for (const target of TARGETS) {
    for (const s of served) {
      const runs = results.get(`${s.label}\t${target.name}`) ?? [];
      const ready = median(runs.map((r) => r.readyMs));
      const network = median(runs.map((r) => r.bytes)) / 1024;
      const scriptGzip = median(runs.map((r) => r.scriptGzipKb));
      summary[`${s.label} ${target.name}`] = { ready, network, scriptGzip };
      console.log(
        `${s.label}\t${target.name}\t${Math.round(ready)}\t${Math.round(network)}\t${scriptGzip.toFixed(1)}\t${new Set(runs[0]?.scripts).size}`,
      );
    }
  }
  if (served.length === 2) {
    const [a, b] = served;
    for (const target of TARGETS) {
      const x = summary[`${a?.label} ${target.name}`];
      const y = summary[`${b?.label} ${target.name}`];
      if (!x || !y) continue;
      console.log(
        `${target.name}: ready ${(x.ready / y.ready).toFixed(1)}× faster, network ${(x.network / y.network).toFixed(1)}× less, script gzip ${(x.scriptGzip / y.scriptGzip).toFixed(1)}× less (${a?.label} → ${b?.label})`,
      );
    }
  }
} finally {
  for (const s of served) await s.close();
}
