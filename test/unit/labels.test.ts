import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { browserLabel, checkTitle, notificationParams, patternParts, roleLabel, ruleSentence } from '../../src/web/components/labels.js';

const load = (locale: string) => JSON.parse(readFileSync(new URL(`../../src/web/i18n/${locale}.json`, import.meta.url), 'utf8')) as object;

async function translator(lng: 'zh-HK' | 'en') {
  const i = i18next.createInstance();
  await i.init({
    lng,
    resources: { 'zh-HK': { translation: load('zh-HK') }, en: { translation: load('en') } },
    interpolation: { escapeValue: false },
  });
  return i.t.bind(i);
}

describe('return rules as sentences', () => {
  it('reads the STRN pattern as kinds of character and counts', () => {
    expect(patternParts('^[A-Z][0-9]{6}[0-9A]$')).toEqual([
      { what: 'capital', literal: undefined, min: 1, max: 1 },
      { what: 'digit', literal: undefined, min: 6, max: 6 },
      { what: 'checkDigit', literal: undefined, min: 1, max: 1 },
    ]);
    expect(patternParts('^(a|b)+$')).toBeNull();
    expect(patternParts('^[^0-9]$')).toBeNull();
  });
  it('every default rule reads as a sentence in Chinese and English, with no code or pattern left in it', async () => {
    const zh = await translator('zh-HK');
    const en = await translator('en');
    expect(ruleSentence(zh, 'required students.strn')).toBe('必須填寫學生編號（STRN）');
    expect(ruleSentence(zh, 'match students.strn ^[A-Z][0-9]{6}[0-9A]$')).toBe('學生編號（STRN）格式：一個英文字母、六位數字及一位校驗碼');
    expect(ruleSentence(en, 'match students.strn ^[A-Z][0-9]{6}[0-9A]$')).toBe(
      'STRN format: one capital letter, six digits and one check character (a digit or A)',
    );
    expect(ruleSentence(en, 'match roll.regNo ^[0-9]{2,4}$')).toBe('Registration no. format: two to four digits');
    expect(ruleSentence(zh, 'match roll.regNo ^(a|b)+$')).toBe('學生註冊編號須符合機構指定的格式');
    expect(ruleSentence(zh, 'oneof roll.sex M,F')).toBe('性別只可填寫M（男）或F（女）');
    expect(ruleSentence(en, 'range classSubjects.periods 0 60')).toBe('Periods must be between 0 and 60');
    expect(ruleSentence(en, 'nonsense')).toBe('A rule set by the authority');
    const { DEFAULT_RULES } = await import('../../src/server/modules/exchange/rules.js');
    for (const rule of Object.values(DEFAULT_RULES).flat())
      for (const t of [zh, en]) {
        const text = ruleSentence(t, rule);
        expect(text, rule).not.toMatch(/students\.|roll\.|formE\.|classSubjects\.|\^|\[|\$|labels\.|exchange\./);
        expect(text, rule).not.toBe(t('labels.rules.other'));
      }
  });
});

describe('English counts', () => {
  it('say one person and two people; Chinese has one form', async () => {
    const en = await translator('en');
    const zh = await translator('zh-HK');
    expect(en('checks.privilegedCount.ok', { count: 1, limit: 3 })).toBe('1 person holds system-administrator rights (limit 3)');
    expect(en('checks.privilegedCount.ok', { count: 2, limit: 3 })).toBe('2 people hold system-administrator rights (limit 3)');
    expect(en('notifications.securityFinding', notificationParams(en, { count: '1' }))).toBe(
      '1 new high security finding: see the security centre',
    );
    expect(zh('checks.privilegedCount.ok', { count: 1, limit: 3 })).toBe(
      zh('checks.privilegedCount.ok', { count: 2, limit: 3 }).replace('2', '1'),
    );
  });
});

describe('names instead of codes', () => {
  it('a built-in role in the reader language; a custom role by the name given in that language', async () => {
    const zh = await translator('zh-HK');
    const en = await translator('en');
    expect(roleLabel(zh, { key: 'office_staff', nameZh: 'x', nameEn: 'y' }, 'zh-HK')).toBe('校務處職員');
    expect(roleLabel(en, { key: 'office_staff', nameZh: 'x', nameEn: 'y' }, 'en')).toBe('General Office Staff');
    expect(roleLabel(zh, { key: null, nameZh: '圖書館主任', nameEn: 'Librarian' }, 'zh-HK')).toBe('圖書館主任');
    expect(roleLabel(en, { key: null, nameZh: '圖書館主任', nameEn: 'Librarian' }, 'en')).toBe('Librarian');
  });
  it('a notification names a check by its title', async () => {
    const zh = await translator('zh-HK');
    const params = notificationParams(zh, { check: 'memo.U2.sso-policy' });
    expect(zh('notifications.checkFailing', params)).toBe('管治檢查需要注意：每年覆核統一登入（CLO）安排');
    expect(checkTitle(zh, 'memo.X9.unknown')).toBe('一項管治檢查');
  });
  it('a browser by name, version and system', () => {
    const chrome = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
    expect(browserLabel(chrome)).toBe('Chrome 156 · Windows');
    expect(browserLabel(`${chrome} Edg/156.0.0.0`)).toBe('Edge 156 · Windows');
    expect(
      browserLabel(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari 18 · iOS');
    expect(browserLabel('Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0')).toBe('Firefox 140 · Linux');
    expect(
      browserLabel('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/141.0.0.0 Safari/537.36'),
    ).toBe('Chrome 141 · Linux');
    expect(browserLabel('curl/8.5.0')).toBeNull();
    expect(browserLabel(null)).toBeNull();
  });
});
