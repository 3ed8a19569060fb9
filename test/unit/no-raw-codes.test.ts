import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next from 'i18next';
import { AUDIT_ACTIONS } from '../../src/contracts/audit.js';
import { ERROR_CODES } from '../../src/contracts/errors.js';
import { RETURN_FILES } from '../../src/contracts/exchange.js';
import { AUDIT_TARGET_KINDS } from '../../src/contracts/labels.js';
import { NOTIFICATION_TITLES } from '../../src/contracts/notifications.js';
import { PERMISSION_KEYS } from '../../src/contracts/permissions.js';
import { AUTHORITY_ROLE_TEMPLATES, CATALOGUE, ROLE_TEMPLATES } from '../../src/server/core/auth/permissions.js';
import { CheckRegistry } from '../../src/server/core/checks/registry.js';
import { SECURITY_EVENTS } from '../../src/server/core/notify/notify.js';
import { registerAccessChecks } from '../../src/server/modules/access/checks.js';
import { registerExchangeChecks } from '../../src/server/modules/exchange/checks.js';
import { DEFAULT_RULES } from '../../src/server/modules/exchange/rules.js';
import { registerFoundationChecks } from '../../src/server/modules/governance/checks.js';
import { registerPlanningChecks } from '../../src/server/modules/planning/checks.js';
import { registerSecurityChecks } from '../../src/server/modules/security/checks.js';
import { ruleSentence } from '../../src/web/components/labels.js';

/**
 * The class of fault behind issue 14 item 3: a code reaching a person because nobody gave it words.
 * Every catalogue of codes the server can send or write is walked here, and each code must have words
 * in both languages. A new error code, permission, check, audit action, target kind, notification,
 * rule or import problem without words fails this test.
 */

type Messages = { [key: string]: string | Messages };
const root = fileURLToPath(new URL('../../', import.meta.url));
const load = (locale: string) => JSON.parse(readFileSync(join(root, `src/web/i18n/${locale}.json`), 'utf8')) as Messages;
const LANGUAGES = { 'zh-HK': load('zh-HK'), en: load('en') };

/** The text at `key` (dots separate levels), or the `_other` form of a plural. */
function text(messages: Messages, key: string): string | undefined {
  const lookup = (k: string) => {
    let at: string | Messages | undefined = messages;
    for (const part of k.split('.')) at = typeof at === 'object' ? at[part] : undefined;
    return typeof at === 'string' ? at : undefined;
  };
  return lookup(key) ?? lookup(`${key}_other`);
}

/** The keys (of those given) that lack words in either language, as `lang:key`. */
function missing(keys: Iterable<string>): string[] {
  const out: string[] = [];
  for (const key of keys)
    for (const [lang, messages] of Object.entries(LANGUAGES)) if (!text(messages, key)?.trim()) out.push(`${lang}:${key}`);
  return out;
}

/** Every TypeScript file of the server, as text (for the codes written inline: targets, summaries, jobs). */
function serverSources(dir = join(root, 'src/server')): { file: string; source: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return serverSources(path);
    return name.endsWith('.ts') ? [{ file: path.slice(root.length), source: readFileSync(path, 'utf8') }] : [];
  });
}
const SOURCES = serverSources();
const literals = (re: RegExp, sources = SOURCES) =>
  [...new Set(sources.flatMap((s) => [...s.source.matchAll(re)].map((m) => m[1] ?? '')))].sort();

describe('no code reaches a person without words in both languages', () => {
  it('every error code (contracts/errors.ts, answered through core/errors.ts)', () => {
    expect(missing(ERROR_CODES.map((c) => `errors.${c}`))).toEqual([]);
  });

  it('every permission, and every module the catalogue groups them in', () => {
    expect(missing(PERMISSION_KEYS.map((k) => `permissionLabels.${k.replaceAll('.', '_')}`))).toEqual([]);
    expect(missing([...new Set([...CATALOGUE.values()].map((d) => `permissionModules.${d.module}`))])).toEqual([]);
  });

  it('every built-in role, for schools and authorities', () => {
    expect(missing([...ROLE_TEMPLATES, ...AUTHORITY_ROLE_TEMPLATES].map((r) => `labels.roles.${r.key}`))).toEqual([]);
  });

  it('every registered governance check (memo.*) by its title, and every summary a check can give', () => {
    const registry = new CheckRegistry();
    const registrars = [
      registerFoundationChecks,
      registerAccessChecks,
      registerExchangeChecks,
      registerSecurityChecks,
      registerPlanningChecks,
    ];
    for (const register of registrars) register(registry);
    // A module that registers checks at start-up but not here would slip past: the start-up list must be this one.
    const started = literals(
      /\b(register\w+Checks)\(checks\)/g,
      SOURCES.filter((s) => s.file.endsWith('server/server.ts')),
    );
    expect(started).toEqual(registrars.map((r) => r.name).sort());
    expect(registry.list().length).toBeGreaterThan(10);
    expect(missing(registry.list().map((c) => `checkTitles.${c.key.replaceAll('.', '_')}`))).toEqual([]);
    expect(missing(literals(/'(checks\.[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+)'/g))).toEqual([]);
  });

  it('every audit action the server can write (the audit helper takes only AUDIT_ACTIONS), every system job and target kind', () => {
    expect(missing(AUDIT_ACTIONS.map((a) => `auditActions.${a.replaceAll('.', '_')}`))).toEqual([]);
    // Written without the helper's type (a string built at run time) would be a way around the catalogue.
    const actions = literals(/\baction: '([a-z_]+\.[a-z_.]+)'/g);
    expect(actions.filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a))).toEqual([]);
    const jobs = literals(/systemActor\([^,()]+,\s*'([a-z_.]+)'\)/g);
    expect(jobs.length).toBeGreaterThan(3);
    expect(missing(jobs.map((j) => `auditJobs.${j.replaceAll('.', '_')}`))).toEqual([]);
    const kinds = literals(/\btarget: [`']([a-z_]+):/g);
    expect(kinds.filter((k) => !(AUDIT_TARGET_KINDS as readonly string[]).includes(k))).toEqual([]);
    expect(missing(AUDIT_TARGET_KINDS.map((k) => `labels.auditTargets.${k}`))).toEqual([]);
  });

  it('every notification title and parameter code, and every security event of the notification list', () => {
    expect(missing(NOTIFICATION_TITLES.map((n) => `notifications.${n}`))).toEqual([]);
    const written = literals(/'notifications\.([A-Za-z_]+)'/g);
    expect(written.filter((n) => !(NOTIFICATION_TITLES as readonly string[]).includes(n))).toEqual([]);
    expect(missing(SECURITY_EVENTS.map((e) => `securityEvents.${e}`))).toEqual([]);
  });

  it('every return rule: verbs, files and columns of every template kind, and the values the default rules list', async () => {
    expect(missing(['required', 'unique', 'match', 'matchOther', 'oneof', 'range', 'other'].map((v) => `labels.rules.${v}`))).toEqual([]);
    const files = Object.values(RETURN_FILES).flatMap((kind) => Object.entries(kind));
    expect(missing([...new Set(files.map(([file]) => `exchange.files.${file}`)), 'exchange.files.data'])).toEqual([]);
    expect(missing([...new Set(files.flatMap(([, columns]) => columns.map((c) => `exchange.columns.${c}`)))])).toEqual([]);
    for (const [lang, messages] of Object.entries(LANGUAGES)) {
      const i = i18next.createInstance();
      await i.init({ lng: lang, resources: { [lang]: { translation: messages } }, interpolation: { escapeValue: false } });
      for (const rule of Object.values(DEFAULT_RULES).flat()) {
        const sentence = ruleSentence(i.t.bind(i), rule);
        // A listed value that is a code (M, chinese) must have words too: it shows as "M（男）", not "M".
        const oneof = /^oneof \w+\.(\w+) (.+)$/.exec(rule);
        for (const value of oneof?.[2]?.split(',') ?? [])
          expect(text(messages, `labels.ruleValues.${oneof?.[1]}.${value}`), `${lang} ${rule}`).toBeTruthy();
        expect(sentence, `${lang} ${rule}`).not.toMatch(/[\^$[\]{}]|\b(?:students|roll|formE|formB|classSubjects)\.|labels\.|exchange\./);
      }
    }
  });

  it('every problem an import can report, every field problem a refusal names, and every network rule that can refuse a sign-in', () => {
    const imports = SOURCES.filter((s) => /server\/modules\/school\/(imports\/|contacts-policy)/.test(s.file));
    const codes = [
      ...literals(/\bcode: '([a-z][a-z_]+)'/g, imports),
      ...literals(/\b(?:issue|report)\([^()]*'([a-z][a-z_]+)'\)/g, imports),
    ];
    expect(codes.length).toBeGreaterThan(10);
    expect(missing([...new Set(codes)].map((c) => `importIssues.${c}`))).toEqual([]);
    // A refusal's field problems (`errors: [{ path, code }]`) are worded by the form that shows them (`zod.<code>`).
    const fields = literals(/errors: \[\{ path: [^{}]*?code: '([a-z][a-z_]+)'/g);
    expect(fields.length).toBeGreaterThan(0);
    expect(missing(fields.map((c) => `zod.${c}`))).toEqual([]);
    const refusals = literals(
      /rule: '([a-z_]+)'/g,
      SOURCES.filter((s) => /core\/auth\/network/.test(s.file)),
    );
    expect(refusals.length).toBeGreaterThan(0);
    expect(missing(refusals.flatMap((r) => [`networkRules.${r}`, `labels.networkRefusal.${r}`]))).toEqual([]);
  });
});
