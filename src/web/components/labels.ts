import type { TFunction } from 'i18next';
import { CODE_PARAMS } from '../../contracts/notifications.js';

/**
 * Words for things the server names by code (issue 14 item 3): a person never reads a role id, a
 * check key, an audit action, a rule's regular expression or a browser's user-agent string.
 * `test/unit/no-raw-codes.test.ts` checks that every code these look up has words in both languages.
 */

type Translate = TFunction | ((key: string, options?: Record<string, unknown>) => string);

/** A built-in role in the reader's language; a role the school made, in the language it was named in for that reader. */
export function roleLabel(t: Translate, role: { key: string | null; nameZh: string; nameEn: string }, language: string): string {
  const own = language === 'en' ? role.nameEn : role.nameZh || role.nameEn;
  return role.key ? t(`labels.roles.${role.key}`, { defaultValue: own }) : own;
}

/** A person as a reader knows them: the Chinese name in Chinese screens (English when they have none), the English name in English. */
export function personName(language: string, person: { displayNameZh: string | null; displayNameEn: string }): string {
  return language === 'en' ? person.displayNameEn : person.displayNameZh || person.displayNameEn;
}

/** A governance check's title (`memo.U2.sso-policy` → "統一登入每年覆核"), never its key. */
export const checkTitle = (t: Translate, key: string): string =>
  t(`checkTitles.${key.replaceAll('.', '_')}`, { defaultValue: t('labels.unknownCheck') });

/**
 * A notification's parameters with every code replaced by its words (a check key by the check's title),
 * and the count as a number (stored as text, it would keep English from choosing "1 finding" over "1 findings").
 */
export function notificationParams(t: Translate, params: Record<string, string>): Record<string, string | number> {
  const out: Record<string, string | number> = { ...params };
  if (params.count !== undefined && /^\d+$/.test(params.count)) out.count = Number(params.count);
  for (const [name, section] of Object.entries(CODE_PARAMS)) {
    const code = params[name];
    if (code !== undefined) out[name] = section === 'checkTitles' ? checkTitle(t, code) : code;
  }
  return out;
}

export const auditActionLabel = (t: Translate, action: string): string =>
  t(`auditActions.${action.replaceAll('.', '_')}`, { defaultValue: t('labels.unknownAction') });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Kinds whose value is itself something a person reads (a school number, a date, a year code). */
const READABLE_VALUE = new Set(['school', 'day', 'year']);

/**
 * What an audit record is about: the kind of thing in words, then its name where the server could
 * name it (a person, a role). A bare id is never shown.
 */
export function auditTargetLabel(t: Translate, target: string | null, name: string | null): string {
  if (!target) return '';
  const [kind = '', ...rest] = target.split(':');
  const kindLabel = t(`labels.auditTargets.${kind}`, { defaultValue: t('labels.auditTargets.other') });
  const value = rest.join(':');
  if (name) return `${kindLabel} ${name}`;
  if (kind === 'export' || kind === 'import') return `${kindLabel} ${t(`labels.dataKinds.${value}`, { defaultValue: '' })}`.trim();
  if (kind === 'procedure') return `${kindLabel} ${t(`exchange.categories.${value}`, { defaultValue: '' })}`.trim();
  if (READABLE_VALUE.has(kind) && !UUID.test(value)) return `${kindLabel} ${value}`;
  return kindLabel;
}

// ---- Return rules as sentences -----------------------------------------------------------------

/** One piece of a simple pattern: a kind of character and how many. */
interface PatternPart {
  what: 'letter' | 'capital' | 'digit' | 'letterOrDigit' | 'checkDigit' | 'literal';
  literal?: string;
  min: number;
  max: number | null;
}

const CLASSES: Record<string, PatternPart['what']> = {
  '[A-Z]': 'capital',
  '[a-zA-Z]': 'letter',
  '[A-Za-z]': 'letter',
  '[0-9]': 'digit',
  '\\d': 'digit',
  '[0-9A]': 'checkDigit',
  '[0-9A-Z]': 'letterOrDigit',
  '[A-Z0-9]': 'letterOrDigit',
};

/**
 * Reads the simple patterns authorities write (`^[A-Z][0-9]{6}[0-9A]$`): character classes or
 * literal characters, each with an optional count. Anything else is null (shown as "the format the
 * authority set", never as the pattern).
 */
export function patternParts(pattern: string): PatternPart[] | null {
  const body = pattern.replace(/^\^/, '').replace(/\$$/, '');
  const parts: PatternPart[] = [];
  const token = /(\[[^\]]+\]|\\d|\\.|[A-Za-z0-9 -])(\{(\d+)(?:,(\d*))?\}|\+|\*|\?)?/y;
  let at = 0;
  while (at < body.length) {
    token.lastIndex = at;
    const m = token.exec(body);
    if (!m) return null;
    at = token.lastIndex;
    const [, unit = '', count, exact, upper] = m;
    let what = CLASSES[unit];
    let literal: string | undefined;
    if (!what) {
      if (unit.startsWith('[') || (unit.startsWith('\\') && !/^\\[-.]$/.test(unit))) return null;
      what = 'literal';
      literal = unit.replace(/^\\/, '');
    }
    let min = 1;
    let max: number | null = 1;
    if (count === '+') max = null;
    else if (count === '*') [min, max] = [0, null];
    else if (count === '?') min = 0;
    else if (exact !== undefined) {
      min = Number(exact);
      max = upper === undefined ? min : upper === '' ? null : Number(upper);
    }
    const last = parts[parts.length - 1];
    if (last && last.what === what && what !== 'literal' && last.max !== null && max !== null) {
      last.min += min;
      last.max += max;
    } else parts.push({ what, literal, min, max });
  }
  return parts.length ? parts : null;
}

/** A count in words where a sentence reads better so ("一個", "six"); digits past ten. */
const numberWord = (t: Translate, n: number): string => (n <= 10 ? t(`labels.numbers.n${n}`) : String(n));

function describeParts(t: Translate, parts: PatternPart[]): string {
  const pieces = parts.map((p) => {
    if (p.what === 'literal') return t('labels.pattern.literal', { char: p.literal ?? '' });
    // English names the kind of character in the plural unless exactly one is meant.
    const thing = t(`labels.pattern.${p.what}`, { count: p.max === p.min ? p.min : 2 });
    if (p.max === p.min) return t('labels.pattern.exactly', { n: numberWord(t, p.min), thing });
    if (p.max === null) return t('labels.pattern.atLeast', { n: numberWord(t, Math.max(p.min, 1)), thing });
    return t('labels.pattern.between', { min: numberWord(t, p.min), max: numberWord(t, p.max), thing });
  });
  const last = pieces.pop() ?? '';
  return pieces.length ? `${pieces.join(t('labels.pattern.then'))}${t('labels.pattern.and')}${last}` : last;
}

/** Values a rule may list, in words where the column's values are codes (M/F, Y/N, teaching medium). */
const valueLabel = (t: Translate, column: string, value: string): string =>
  t(`labels.ruleValues.${column}.${value}`, { defaultValue: value });

/**
 * A return template's rule (`required students.strn`) as a sentence in the reader's language
 * ("必須填寫學生編號（STRN）"). A rule that does not parse is shown as "a rule set by the authority".
 */
export function ruleSentence(t: Translate, rule: string): string {
  const m = /^(required|unique|match|oneof|range)\s+([a-zA-Z]+)\.([a-zA-Z0-9_]+)(?:\s+(.+))?$/.exec(rule.trim());
  if (!m) return t('labels.rules.other');
  const [, verb = '', , column = '', arg = ''] = m;
  const name = t(`exchange.columns.${column}`, { defaultValue: column });
  switch (verb) {
    case 'match': {
      const parts = patternParts(arg.trim());
      return parts
        ? t('labels.rules.match', { column: name, format: describeParts(t, parts) })
        : t('labels.rules.matchOther', { column: name });
    }
    case 'oneof': {
      const values = arg
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
        .map((v) => valueLabel(t, column, v));
      return t('labels.rules.oneof', { column: name, values: values.join(t('labels.rules.or')) });
    }
    case 'range': {
      const [min = '', max = ''] = arg.trim().split(/\s+/);
      return t('labels.rules.range', { column: name, min, max });
    }
    default:
      return t(`labels.rules.${verb}`, { column: name });
  }
}

// ---- Browsers ------------------------------------------------------------------------------------

const BROWSERS: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/SamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/FxiOS\/(\d+)/, 'Firefox'],
  [/CriOS\/(\d+)/, 'Chrome'],
  [/(?:HeadlessChrome|Chrome|Chromium)\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Windows/, 'Windows'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

/**
 * A browser's user-agent string as a person names it: "Chrome 156 · Windows". Null when neither the
 * browser nor the system is known (the caller shows "another program").
 */
export function browserLabel(userAgent: string | null): string | null {
  if (!userAgent) return null;
  let browser: string | null = null;
  for (const [re, name] of BROWSERS) {
    const m = re.exec(userAgent);
    if (m) {
      browser = `${name} ${m[1] ?? ''}`.trim();
      break;
    }
  }
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1] ?? null;
  if (!browser && !system) return null;
  return [browser, system].filter(Boolean).join(' · ');
}
