import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locale } from '../../../contracts/auth.js';
import { ROOT } from '../../paths.js';

/**
 * The web's words, for what the server writes to a person itself (an e-mail has no browser to translate
 * it). One catalogue for both: a check's title in an e-mail is the `checkTitles.*` text the dashboard shows.
 */
type Messages = { [key: string]: string | Messages };

const loaded = new Map<Locale, Messages>();

function catalogue(locale: Locale): Messages {
  let m = loaded.get(locale);
  if (!m) {
    m = JSON.parse(readFileSync(join(ROOT, 'src/web/i18n', `${locale}.json`), 'utf8')) as Messages;
    loaded.set(locale, m);
  }
  return m;
}

function lookup(messages: Messages, key: string): string | undefined {
  let at: string | Messages | undefined = messages;
  for (const part of key.split('.')) {
    if (at === undefined || typeof at === 'string') return undefined;
    at = at[part];
  }
  return typeof at === 'string' ? at : undefined;
}

/**
 * The text of `key` in `locale` with `{{name}}` filled from `params`; `fallback` when the key has no text
 * (never the key itself: a person does not read codes). A parameter worded in both languages
 * (`missingEn`, `missingZh`) is read in the locale's language, as the web does.
 */
export function words(locale: Locale, key: string, params: Record<string, string | number> = {}, fallback = ''): string {
  // English counts have a form for one (`key_one`); other counts and Chinese use `key_other` or `key`, as i18next does.
  const count = params.count;
  const plural = typeof count === 'number' ? (locale === 'en' && count === 1 ? [`${key}_one`] : [`${key}_other`]) : [];
  const text = [...plural, key].map((k) => lookup(catalogue(locale), k)).find((x) => x !== undefined);
  if (text === undefined) return fallback;
  const suffix = locale === 'en' ? 'En' : 'Zh';
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[`${name}${suffix}`] ?? params[name] ?? ''));
}

/** Whether `key` has text in both languages. */
export function hasWords(key: string): boolean {
  return lookup(catalogue('en'), key) !== undefined && lookup(catalogue('zh-HK'), key) !== undefined;
}
