import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * One word for one thing (docs/glossary.md): the variants a person would trip over never appear in
 * the Chinese translations or in Chinese text the server writes (e-mails, PDFs, holdings, the demo).
 */
const NEVER = ['指引', '審核', '審批', '檢討', '學生人數統計', '班級', '截數日期', '學校密鑰'];

const root = fileURLToPath(new URL('../../', import.meta.url));
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|tsx|json)$/.test(name) ? [path] : [];
  });
}

describe('glossary', () => {
  it('the Chinese translations and server texts use the glossary words', () => {
    const sources = [join(root, 'src/web/i18n/zh-HK.json'), ...files(join(root, 'src/server')), join(root, 'scripts/demo.ts')];
    const found: string[] = [];
    for (const file of sources) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const word of NEVER) if (line.includes(word)) found.push(`${file.slice(root.length)}:${i + 1} ${word}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('no translation carries a replacement character (a broken multi-byte edit)', () => {
    for (const locale of ['zh-HK', 'en']) {
      const text = readFileSync(join(root, `src/web/i18n/${locale}.json`), 'utf8');
      const broken = text.split('\n').flatMap((line, i) => (line.includes('\uFFFD') ? [`${locale}:${i + 1}`] : []));
      expect(broken).toEqual([]);
    }
  });
});
