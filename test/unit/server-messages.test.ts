/**
 * Every code the server can send a person has words in both languages: check summaries and titles,
 * notification titles, problem codes of single fields, security events, permissions and network
 * rules. Read from the server's source and catalogues, so a new key is covered when it is written.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PERMISSION_KEYS } from '../../src/contracts/permissions.js';
import { SECURITY_EVENTS } from '../../src/server/core/notify/notify.js';

type Messages = { [key: string]: string | Messages };
const root = fileURLToPath(new URL('../../', import.meta.url));

function flatten(messages: Messages, prefix = ''): Set<string> {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.add(path);
    else for (const k of flatten(value, path)) out.add(k);
  }
  return out;
}
const LANGS = ['zh-HK', 'en'].map((lang) => ({
  lang,
  keys: flatten(JSON.parse(readFileSync(join(root, `src/web/i18n/${lang}.json`), 'utf8')) as Messages),
}));

function serverSource(under = 'src/server'): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(path);
    }
  };
  walk(join(root, under));
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}
const source = serverSource();
const literals = (re: RegExp) => [...new Set([...source.matchAll(re)].map((m) => m[1] as string))].sort();

function missing(keys: string[]): string[] {
  return LANGS.flatMap(({ lang, keys: have }) => keys.filter((k) => !have.has(k)).map((k) => `${lang}: ${k}`));
}

describe('what the server sends a person has words in both languages', () => {
  it('check summaries and notification titles', () => {
    const keys = literals(/['`]((?:checks|notifications)\.[A-Za-z]+(?:\.[A-Za-z]+)*)['`]/g);
    expect(keys.length).toBeGreaterThan(20);
    expect(missing(keys)).toEqual([]);
  });

  it('the title of every registered check', () => {
    const checks = literals(/key: '(memo\.[UOSLC]\d\.[a-z0-9-]+)'/g);
    expect(checks.length).toBeGreaterThanOrEqual(9);
    expect(missing(checks.map((k) => `checkTitles.${k.replaceAll('.', '_')}`))).toEqual([]);
  });

  it('the code of each field a problem names', () => {
    // `path` may be a template string with `${…}` in it: match up to the code, not up to the first brace.
    const codes = literals(/\{\s*path: (?:'[^']*'|`[^`]*`|[^,]+), code: '([a-z_]+)'\s*\}/g);
    expect(codes.length).toBeGreaterThan(5);
    expect(missing(codes.map((c) => `zod.${c}`))).toEqual([]);
  });

  it("the exchange log's events and the reasons it records", () => {
    // Security events (`securityEvent({ event })`) are words of their own, checked below.
    const security: ReadonlySet<string> = new Set(SECURITY_EVENTS);
    const events = literals(/event: '([a-z_]+)'/g).filter((e) => !security.has(e));
    expect(events.length).toBeGreaterThan(10);
    expect(missing(events.map((e) => `exchange.events.${e}`))).toEqual([]);
    // Reasons a message could not be opened or read (stored as the delivery's failure, logged as the
    // event's reason), shown through `errors.<reason>`; template-rule reasons have words of their own.
    const exchange = serverSource('src/server/modules/exchange');
    const reasons = [
      ...new Set(
        [/const reason = [^;\n]*? \? '([a-z_]+)' : '([a-z_]+)'/g, /details: \{ reason: '([a-z_]+)' \}/g, /failure = '([a-z_]+)'/g].flatMap(
          (re) => [...exchange.matchAll(re)].flatMap((m) => m.slice(1).filter((x): x is string => !!x)),
        ),
      ),
    ];
    expect(reasons).toEqual(expect.arrayContaining(['content_unreadable', 'corrupt', 'key_changed']));
    expect(missing(reasons.map((r) => `errors.${r}`))).toEqual([]);
  });

  it('the scheduled jobs the audit log names as the system', () => {
    const jobs = literals(/systemActor\([^,]+, '([a-z_.]+)'\)/g);
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    expect(missing(jobs.map((j) => `auditJobs.${j.replaceAll('.', '_')}`))).toEqual([]);
  });

  it('security events, permissions and network rules', () => {
    expect(missing(SECURITY_EVENTS.map((e) => `securityEvents.${e}`))).toEqual([]);
    expect(missing(PERMISSION_KEYS.map((p) => `permissionLabels.${p.replaceAll('.', '_')}`))).toEqual([]);
    const rules = literals(/rule: '([a-z_]+)'/g);
    expect(rules.length).toBeGreaterThan(0);
    expect(missing(rules.map((r) => `networkRules.${r}`))).toEqual([]);
  });
});
