import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project folder (the one with package.json), wherever this file runs from: src/ under tsx or the dist/ bundle. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the project folder (package.json)');
    dir = up;
  }
  return dir;
}

export const ROOT = findRoot();
export const WEB_DIR = join(ROOT, 'dist/web/');
export const MIGRATIONS_DIR = join(ROOT, 'src/server/db/migrations/');
