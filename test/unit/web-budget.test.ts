import { describe, expect, it } from 'vitest';
import { BUDGET_KB, FIRST_PAGES, type Manifest, firstLoadFiles, firstLoadWeights } from '../../scripts/web-budget.js';

// A manifest shaped like Vite's: the entry imports a shared chunk; pages are dynamic imports.
const manifest: Manifest = {
  'index.html': { file: 'assets/index.js', isEntry: true, imports: ['_shared.js'], dynamicImports: ['modules/access/LoginPage.tsx'] },
  '_shared.js': { file: 'assets/shared.js' },
  '_heavy.js': { file: 'assets/heavy.js', imports: ['_shared.js'] },
  'modules/access/LoginPage.tsx': { file: 'assets/LoginPage.js', imports: ['_shared.js'] },
  'components/Layout.tsx': { file: 'assets/Layout.js', imports: ['_shared.js'] },
  'modules/governance/DashboardPage.tsx': { file: 'assets/DashboardPage.js', imports: ['_heavy.js'] },
  'modules/exchange/ReturnPage.tsx': { file: 'assets/ReturnPage.js', imports: ['_heavy.js'] },
  'style.css': { file: 'assets/index.css' },
};
const KB = 1024;

// The build applies the same rule to the real manifest and fails over budget (vite.config.ts).
describe('first-load script budget', () => {
  it('counts the entry, the page and what they import statically, once each, and nothing lazy', () => {
    expect(firstLoadFiles(manifest, FIRST_PAGES['sign-in']).sort()).toEqual(['assets/LoginPage.js', 'assets/index.js', 'assets/shared.js']);
    expect(firstLoadFiles(manifest, FIRST_PAGES.dashboard).sort()).toEqual([
      'assets/DashboardPage.js',
      'assets/Layout.js',
      'assets/heavy.js',
      'assets/index.js',
      'assets/shared.js',
    ]);
  });

  it('is over budget when a page pulls a heavy chunk, and under when it does not', () => {
    const sizes: Record<string, number> = { 'assets/index.js': 150 * KB, 'assets/shared.js': 30 * KB, 'assets/heavy.js': 40 * KB };
    const weights = firstLoadWeights(manifest, (f) => sizes[f] ?? KB);
    const over = weights.filter((w) => w.kb > BUDGET_KB).map((w) => w.page);
    expect(over).toEqual(['dashboard']);
  });

  it('fails loudly when a first page is no longer in the build (renamed or moved)', () => {
    const { 'modules/governance/DashboardPage.tsx': _gone, ...rest } = manifest;
    expect(() => firstLoadFiles(rest, FIRST_PAGES.dashboard)).toThrow(/not in the build/);
  });
});
