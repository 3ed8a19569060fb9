import i18n, { type BackendModule, type ResourceKey } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../../contracts/auth.js';
// Each language is its own file, fetched when that language is first used (the first load carries
// one language, as data rather than script; issue 14, light first load).
import zhHKUrl from './zh-HK.json?url';
import enUrl from './en.json?url';

const STORAGE_KEY = 'locale';
export const LOCALES: readonly Locale[] = ['zh-HK', 'en'];

const isLocale = (value: string | null): value is Locale => value === 'zh-HK' || value === 'en';

/** The language chosen before signing in (kept on this device only). */
export function storedLocale(): Locale {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isLocale(value) ? value : 'zh-HK';
  } catch {
    return 'zh-HK';
  }
}

export function rememberLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Private browsing may refuse storage; the choice then lasts for this page only.
  }
}

export function currentLocale(): Locale {
  return isLocale(i18n.language) ? i18n.language : 'zh-HK';
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

const URLS: Record<Locale, string> = { 'zh-HK': zhHKUrl, en: enUrl };

/** Loads a language's file; i18next waits for it on start and before switching language. */
const fetchLanguage: BackendModule = {
  type: 'backend',
  init() {},
  read(language, _namespace, callback) {
    const url = isLocale(language) ? URLS[language] : null;
    if (!url) return callback(null, {});
    fetch(url)
      .then(async (response) => {
        if (!response.ok) throw new Error(`${url}: ${response.status}`);
        callback(null, (await response.json()) as ResourceKey);
      })
      .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null));
  },
};

/** Resolves once the first language is loaded: main.tsx renders after it (no key ever shows raw). */
export const i18nReady = i18n
  .use(fetchLanguage)
  .use(initReactI18next)
  .init({
    lng: storedLocale(),
    // Both files hold the same keys (test/unit/i18n.test.ts), so no second language is ever fetched as a fallback.
    fallbackLng: false,
    load: 'currentOnly',
    supportedLngs: LOCALES,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
document.documentElement.lang = i18n.language;

export default i18n;
