// `npm start`: build what is missing or out of date, then run the server as plain JavaScript.
// (Running under a TypeScript loader costs ~75 MB of memory for the loader's own thread.)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const builtAt = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

const webIndex = join(root, 'dist/web/index.html');
if (builtAt(webIndex) < Math.max(newest(join(root, 'src/web')), newest(join(root, 'src/contracts')))) {
  console.log('Building the web bundle…');
  // vite's package exports do not include its command; find it next to its package.json.
  const viteBin = join(dirname(require.resolve('vite/package.json')), 'bin/vite.js');
  execFileSync(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
// `npm run demo` runs the server from source and needs only the web bundle.
if (process.argv.includes('--web-only')) process.exit(0);

const serverBundle = join(root, 'dist/server/main.js');
// The spreadsheet reader runs in a worker thread of its own, loaded from the file next to main.js.
const sheetWorker = join(root, 'dist/server/sheet-worker.js');
if (
  Math.min(builtAt(serverBundle), builtAt(sheetWorker)) < Math.max(newest(join(root, 'src/server')), newest(join(root, 'src/contracts')))
) {
  const { buildSync } = await import('esbuild');
  buildSync({
    entryPoints: { main: join(root, 'src/server/main.ts'), 'sheet-worker': join(root, 'src/server/modules/school/sheet-worker.ts') },
    outdir: join(root, 'dist/server'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv.includes('--build-only')) process.exit(0);
await import(pathToFileURL(serverBundle).href);
