import { describe, expect, it } from 'vitest';
import { hkTime } from '../../src/server/core/hk-time.js';
import {
  formatDate,
  formatDateTime,
  formatMonth,
  formatTime,
  hongKongParts,
  hongKongToday,
  parseDateInput,
} from '../../src/web/components/format.js';

// 16:00 UTC is midnight in Hong Kong (UTC+8): the day turns there eight hours before it turns in UTC.
const LAST_UTC_MINUTE_BEFORE_HK_MIDNIGHT = '2026-11-30T15:59:00Z';
const HK_MIDNIGHT = '2026-11-30T16:00:00Z';

describe('web date formats (Hong Kong)', () => {
  it('writes a calendar date day first in English and 年月日 in Chinese, with no time-zone shift', () => {
    expect(formatDate('2026-11-30', 'en')).toBe('30/11/2026');
    expect(formatDate('2026-11-30', 'zh-HK')).toBe('2026年11月30日');
    expect(formatDate('2026-01-05', 'en')).toBe('05/01/2026');
    expect(formatDate('2026-01-05', 'zh-HK')).toBe('2026年1月5日');
  });

  it('reads a moment on the Hong Kong clock at midnight HKT, not the UTC day', () => {
    expect(formatDate(LAST_UTC_MINUTE_BEFORE_HK_MIDNIGHT, 'en')).toBe('30/11/2026');
    expect(formatDate(HK_MIDNIGHT, 'en')).toBe('01/12/2026');
    expect(formatDate(HK_MIDNIGHT, 'zh-HK')).toBe('2026年12月1日');
    expect(formatDateTime(LAST_UTC_MINUTE_BEFORE_HK_MIDNIGHT, 'en')).toBe('30/11/2026 23:59');
    expect(formatDateTime(HK_MIDNIGHT, 'en')).toBe('01/12/2026 00:00');
    expect(formatDateTime(HK_MIDNIGHT, 'zh-HK', true)).toBe('2026年12月1日 00:00:00');
    expect(formatTime('2026-11-30T01:15:00Z')).toBe('09:15');
    // New Year's Eve: the year turns in Hong Kong first.
    expect(formatDate('2026-12-31T16:00:00Z', 'zh-HK')).toBe('2027年1月1日');
  });

  it('gives the Hong Kong day and clock a date and a time field hold', () => {
    expect(hongKongParts(HK_MIDNIGHT)).toEqual({ date: '2026-12-01', time: '00:00' });
    expect(hongKongToday(0, new Date(LAST_UTC_MINUTE_BEFORE_HK_MIDNIGHT))).toBe('2026-11-30');
    expect(hongKongToday(0, new Date(HK_MIDNIGHT))).toBe('2026-12-01');
    expect(hongKongToday(30, new Date(HK_MIDNIGHT))).toBe('2026-12-31');
  });

  it('leaves what is not a date alone and shows nothing for nothing', () => {
    expect(formatDate(null, 'en')).toBe('');
    expect(formatDate('', 'en')).toBe('');
    expect(formatDate('5', 'en')).toBe('5');
    expect(formatDateTime('not a date', 'zh-HK')).toBe('not a date');
  });

  it('names a month in each language', () => {
    expect(formatMonth('2026-11-01', 'en')).toBe('November 2026');
    expect(formatMonth('2026-11-01', 'zh-HK')).toBe('2026年11月');
  });

  it('reads a typed date day first, in either language, and refuses impossible days', () => {
    expect(parseDateInput('30/11/2026')).toBe('2026-11-30');
    expect(parseDateInput('3/4/2026')).toBe('2026-04-03');
    expect(parseDateInput('03-04-2026')).toBe('2026-04-03');
    expect(parseDateInput(' 2026年11月30日 ')).toBe('2026-11-30');
    expect(parseDateInput('2026-11-30')).toBe('2026-11-30');
    expect(parseDateInput('29/02/2028')).toBe('2028-02-29');
    expect(parseDateInput('29/02/2026')).toBeNull();
    expect(parseDateInput('31/04/2026')).toBeNull();
    expect(parseDateInput('11/30/2026')).toBeNull();
    expect(parseDateInput('')).toBeNull();
    expect(parseDateInput('tomorrow')).toBeNull();
  });
});

describe('server date formats (Hong Kong)', () => {
  it('prints the Hong Kong day and clock at the midnight edge', () => {
    expect(hkTime(new Date(LAST_UTC_MINUTE_BEFORE_HK_MIDNIGHT))).toMatchObject({
      date: '30/11/2026',
      dateZh: '2026年11月30日',
      time: '23:59',
    });
    expect(hkTime(new Date(HK_MIDNIGHT))).toMatchObject({ date: '01/12/2026', dateZh: '2026年12月1日', time: '00:00' });
  });
});
