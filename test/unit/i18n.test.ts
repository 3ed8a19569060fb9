import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '../../src/contracts/errors.js';

type Messages = { [key: string]: string | Messages };

function load(locale: string): Messages {
  const file = fileURLToPath(new URL(`../../src/web/i18n/${locale}.json`, import.meta.url));
  return JSON.parse(readFileSync(file, 'utf8')) as Messages;
}

/** Flattens nested messages to `a.b.c` → text. */
function flatten(messages: Messages, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const zh = flatten(load('zh-HK'));
const en = flatten(load('en'));

describe('web translations', () => {
  // English counts have a form for one (`key_one`) and for others (`key_other`); Chinese has one form.
  // i18next looks for `key_other`, then `key`, for counts other than one: the two spellings are the same key.
  const oneForm = (keys: Iterable<string>) =>
    [...new Set([...keys].filter((k) => !k.endsWith('_one')).map((k) => k.replace(/_other$/, '')))].sort();
  it('zh-HK and en have exactly the same keys (English adds `_one` forms)', () => {
    expect(oneForm(zh.keys())).toEqual(oneForm(en.keys()));
    expect(
      [...zh.keys()].filter((k) => k.endsWith('_one')),
      'Chinese has one form',
    ).toEqual([]);
    for (const key of en.keys())
      if (key.endsWith('_one')) expect(en.has(key.replace(/_one$/, '_other')) || en.has(key.replace(/_one$/, '')), key).toBe(true);
  });

  it('has no empty strings', () => {
    for (const [locale, messages] of [
      ['zh-HK', zh],
      ['en', en],
    ] as const) {
      const empty = [...messages].filter(([, text]) => text.trim() === '').map(([key]) => `${locale}:${key}`);
      expect(empty).toEqual([]);
    }
  });

  it('translates every error code in both languages', () => {
    for (const code of ERROR_CODES) {
      expect(zh.has(`errors.${code}`), `zh-HK errors.${code}`).toBe(true);
      expect(en.has(`errors.${code}`), `en errors.${code}`).toBe(true);
    }
  });

  it('uses the same interpolation parameters in both languages', () => {
    const params = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const zhOf = (key: string) => {
      const base = key.replace(/_(one|other)$/, '');
      return zh.get(key) ?? zh.get(`${base}_other`) ?? zh.get(base) ?? '';
    };
    for (const [key, text] of en) expect(params(zhOf(key)), key).toEqual(params(text));
  });
});

describe('audit actions', () => {
  it('every action the audit log records has a translation in both languages', async () => {
    const { AUDIT_ACTIONS } = await import('../../src/contracts/audit.js');
    const { readFileSync } = await import('node:fs');
    for (const lang of ['zh-HK', 'en']) {
      const d = JSON.parse(readFileSync(new URL(`../../src/web/i18n/${lang}.json`, import.meta.url), 'utf8')) as {
        auditActions: Record<string, string>;
      };
      for (const a of AUDIT_ACTIONS) expect(d.auditActions[a.replaceAll('.', '_')], `${lang} ${a}`).toBeTruthy();
    }
  });
});
