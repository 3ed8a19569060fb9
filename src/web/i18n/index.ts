import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../../contracts/auth.js';
import zhHK from './zh-HK.json';
import en from './en.json';

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

void i18n.use(initReactI18next).init({
  resources: { 'zh-HK': { translation: zhHK }, en: { translation: en } },
  lng: storedLocale(),
  fallbackLng: 'zh-HK',
  supportedLngs: LOCALES,
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18n.language;

export default i18n;
