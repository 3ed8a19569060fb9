import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { BUDGET_KB, checkWebBudget } from './scripts/web-budget.js';

const OUT_DIR = resolve(import.meta.dirname, 'dist/web');

/**
 * Fails the build when the sign-in page or the dashboard would load more than 200 KB of gzip script
 * (issue 14): a page imported statically instead of through pages.tsx, or a heavy library on the
 * first load, stops here rather than on a school's slow line.
 */
function firstLoadBudget(): Plugin {
  return {
    name: 'first-load-budget',
    apply: 'build',
    closeBundle() {
      // No manifest: the build failed before writing (its own error says why).
      if (!existsSync(join(OUT_DIR, '.vite/manifest.json'))) return;
      const { weights, over } = checkWebBudget(OUT_DIR);
      for (const w of weights) this.info(`first load of the ${w.page} page: ${w.kb.toFixed(1)} KB gzip script in ${w.files.length} files`);
      if (over.length) {
        this.error(
          `over the ${BUDGET_KB} KB first-load budget: ${over.map((w) => `${w.page} ${w.kb.toFixed(1)} KB (${w.files.join(', ')})`).join('; ')}`,
        );
      }
    },
  };
}

/**
 * Writes .br and .gz beside each text file, which the server sends to browsers that accept them
 * (@fastify/static preCompressed): the files cross a school's or a phone's line at a quarter of their size.
 */
function precompress(): Plugin {
  return {
    name: 'precompress',
    apply: 'build',
    writeBundle(_options, bundle) {
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css|json|html|svg)$/.test(name)) continue;
        const path = join(OUT_DIR, name);
        const data = readFileSync(path);
        if (data.length < 1024) continue;
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(`${path}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

export default defineConfig({
  // Vitest reads this file too when it has no config of its own; its tests live at the repo root.
  root: process.env.VITEST ? undefined : 'src/web',
  plugins: [react(), precompress(), firstLoadBudget()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    // The manifest is what the first-load budget reads (scripts/web-budget.ts).
    manifest: true,
    // Pages are split (src/web/pages.tsx); the budget above, not this warning, holds the first load.
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
    },
  },
});
