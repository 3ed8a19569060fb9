/**
 * Dates and times as a Hong Kong school writes them, the one place the web formats a moment:
 * English 30/11/2026 and 09:15 (24-hour), Chinese 2026年11月30日, always in Hong Kong time.
 * A calendar date ('2026-11-30', a deadline day or a date of birth) is shown as written, with no
 * time-zone shift; a moment (an ISO datetime) is shown as the clock in Hong Kong read then.
 */
const TIME_ZONE = 'Asia/Hong_Kong';

const isChinese = (locale: string) => locale !== 'en';
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

interface DayParts {
  year: number;
  month: number;
  day: number;
}

function hkParts(date: Date): DayParts & { hour: string; minute: string; second: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

function dayText(p: DayParts, locale: string): string {
  return isChinese(locale) ? `${p.year}年${p.month}月${p.day}日` : `${pad(p.day)}/${pad(p.month)}/${p.year}`;
}

/** Parts of a calendar date or of a moment (in Hong Kong), or null when the text is not a date. */
function partsOf(value: string | Date): (DayParts & { hour?: string; minute?: string; second?: string }) | null {
  if (typeof value === 'string') {
    const m = DATE_ONLY.exec(value);
    if (m) return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
    // Only ISO moments: Date() would read '5' or 'Tuesday 3' as some day.
    if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  }
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return null;
  return hkParts(date);
}

/** 30/11/2026 (en) or 2026年11月30日 (zh): a calendar date as written, a moment as its Hong Kong day. */
export function formatDate(value: string | Date | null | undefined, locale: string): string {
  if (!value) return '';
  const p = partsOf(value);
  return p ? dayText(p, locale) : String(value);
}

/** 30/11/2026 09:15 (en) or 2026年11月30日 09:15 (zh), in Hong Kong time, 24-hour clock. */
export function formatDateTime(value: string | Date | null | undefined, locale: string, withSeconds = false): string {
  if (!value) return '';
  const p = partsOf(value);
  if (!p) return String(value);
  if (p.hour === undefined) return dayText(p, locale);
  return `${dayText(p, locale)} ${formatClock(p, withSeconds)}`;
}

function formatClock(p: { hour?: string; minute?: string; second?: string }, withSeconds: boolean): string {
  return `${p.hour ?? '00'}:${p.minute ?? '00'}${withSeconds ? `:${p.second ?? '00'}` : ''}`;
}

/** 09:15, the Hong Kong clock at a moment. */
export function formatTime(value: string | Date | null | undefined, withSeconds = false): string {
  if (!value) return '';
  const p = partsOf(value);
  return p ? formatClock(p, withSeconds) : String(value);
}

/** November 2026 (en) or 2026年11月 (zh), for a calendar month given by its first day. */
export function formatMonth(day: string, locale: string): string {
  const m = DATE_ONLY.exec(day);
  if (!m) return day;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (isChinese(locale)) return `${year}年${month}月`;
  const name = new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(year, month - 1, 1)));
  return `${name} ${year}`;
}

/** Short weekday names Monday first: Mon … Sun (en), 一 … 日 as 週一 … 週日 (zh). */
export function weekdayNames(locale: string): string[] {
  const intl = isChinese(locale) ? 'zh-HK' : 'en-GB';
  return Array.from({ length: 7 }, (_, i) =>
    new Intl.DateTimeFormat(intl, { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 1 + i))),
  );
}

/** Monday 30/11/2026 (en) or 2026年11月30日星期一 (zh), a calendar date with its weekday. */
export function formatDateWithWeekday(day: string, locale: string): string {
  const p = partsOf(day);
  if (!p) return day;
  const intl = isChinese(locale) ? 'zh-HK' : 'en-GB';
  const weekday = new Intl.DateTimeFormat(intl, { weekday: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(p.year, p.month - 1, p.day)),
  );
  return isChinese(locale) ? `${dayText(p, locale)}${weekday}` : `${weekday} ${dayText(p, locale)}`;
}

/** The Hong Kong calendar day of a moment, as 'YYYY-MM-DD' (what a date field holds). */
export function hongKongDateOf(at: Date | string): string {
  const p = partsOf(at);
  return p ? `${p.year}-${pad(p.month)}-${pad(p.day)}` : '';
}

/** Today in Hong Kong, plus some days, as 'YYYY-MM-DD'. */
export function hongKongToday(plusDays = 0, now: Date = new Date()): string {
  return hongKongDateOf(new Date(now.getTime() + plusDays * 86_400_000));
}

/** A moment as the 'YYYY-MM-DD' day and 'HH:MM' clock of Hong Kong (what a date and a time field hold). */
export function hongKongParts(at: Date | string): { date: string; time: string } {
  const p = partsOf(at);
  return p ? { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, time: formatClock(p, false) } : { date: '', time: '' };
}

/** The Hong Kong year of a moment (a school year's name, a review's default title). */
export function hongKongYear(at: Date = new Date()): number {
  return hkParts(at).year;
}

/** Start or end of a day in Hong Kong (UTC+8, no daylight saving) as an ISO datetime with offset. */
export function hongKongDayBoundary(date: string, end: boolean): string {
  return `${date}T${end ? '23:59:59.999' : '00:00:00'}+08:00`;
}

/** A 'YYYY-MM-DD' day and a 'HH:MM' Hong Kong time as an ISO moment with offset. */
export function hongKongMoment(date: string, time: string): string {
  return `${date}T${time}:00+08:00`;
}

function validDay(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return null;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > last) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * What a person typed into a date field, as 'YYYY-MM-DD', or null when it is not a date.
 * Accepts the Hong Kong forms in either language (30/11/2026, 30-11-2026, 30.11.2026,
 * 2026年11月30日) and the ISO form 2026-11-30. Day first: 03/04/2026 is 3 April.
 */
export function parseDateInput(text: string): string | null {
  const s = text.trim().replace(/\s+/g, '');
  if (!s) return null;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) return validDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/.exec(s);
  if (m) return validDay(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) return validDay(Number(m[3]), Number(m[2]), Number(m[1]));
  return null;
}

/** Message parameters with every date in them written the Hong Kong way (the server sends ISO dates). */
export function withHongKongDates(params: Record<string, string> | undefined, locale: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    out[key] = DATE_ONLY.test(value)
      ? formatDate(value, locale)
      : /^\d{4}-\d{2}-\d{2}T/.test(value)
        ? formatDateTime(value, locale)
        : value;
  }
  return out;
}
