/**
 * The first-load script budget (issue 14): the sign-in page and the dashboard each load at most
 * 200 KB of gzip-compressed script before they show; every other page is fetched when opened.
 * Read from Vite's manifest (dist/web/.vite/manifest.json); vite.config.ts fails the build above it
 * and test/unit/web-budget.test.ts checks the rule itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const BUDGET_KB = 200;

/** The parts of a manifest entry the budget reads (Vite's ManifestChunk). */
export interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
export type Manifest = Record<string, ManifestChunk>;

/** The pages whose first load is held to the budget, by their source file (manifest key). */
export const FIRST_PAGES = {
  'sign-in': ['modules/access/LoginPage.tsx'],
  dashboard: ['components/Layout.tsx', 'modules/governance/DashboardPage.tsx'],
};

/** A chunk and everything it imports statically (what the browser fetches before running it). */
function withStaticImports(manifest: Manifest, key: string, into: Set<string>): Set<string> {
  if (into.has(key)) return into;
  const chunk = manifest[key];
  if (!chunk) throw new Error(`web budget: ${key} is not in the build (renamed? update FIRST_PAGES in scripts/web-budget.ts)`);
  into.add(key);
  for (const i of chunk.imports ?? []) withStaticImports(manifest, i, into);
  return into;
}

/** The script files a page loads before it shows: the entry's and the page's own, with their imports. */
export function firstLoadFiles(manifest: Manifest, pageSources: readonly string[]): string[] {
  const entry = Object.keys(manifest).find((k) => manifest[k]?.isEntry);
  if (!entry) throw new Error('web budget: the manifest has no entry');
  const keys = new Set<string>();
  withStaticImports(manifest, entry, keys);
  for (const page of pageSources) withStaticImports(manifest, page, keys);
  return [...keys].map((k) => manifest[k]?.file ?? k).filter((f) => f.endsWith('.js'));
}

export interface PageWeight {
  page: string;
  kb: number;
  files: string[];
}

/** Each first page's gzip script size, from a built dist folder (`sizeOf` gives a file's gzip bytes). */
export function firstLoadWeights(manifest: Manifest, sizeOf: (file: string) => number): PageWeight[] {
  return Object.entries(FIRST_PAGES).map(([page, sources]) => {
    const files = firstLoadFiles(manifest, sources);
    return { page, files, kb: files.reduce((sum, f) => sum + sizeOf(f), 0) / 1024 };
  });
}

/** Reads a built web folder; returns the pages over budget (empty when all is well). */
export function checkWebBudget(outDir: string): { weights: PageWeight[]; over: PageWeight[] } {
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8')) as Manifest;
  const weights = firstLoadWeights(manifest, (f) => gzipSync(readFileSync(join(outDir, f)), { level: 9 }).length);
  return { weights, over: weights.filter((w) => w.kb > BUDGET_KB) };
}
