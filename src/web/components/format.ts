const TIME_ZONE = 'Asia/Hong_Kong';

const intlLocale = (locale: string) => (locale === 'en' ? 'en-HK' : 'zh-HK');

/** A date and time as the school sees it (Hong Kong time). */
export function formatDateTime(iso: string | null | undefined, locale: string, withSeconds = false): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone: TIME_ZONE,
    dateStyle: 'medium',
    timeStyle: withSeconds ? 'medium' : 'short',
  }).format(date);
}

export function formatDate(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(locale), { timeZone: TIME_ZONE, dateStyle: 'medium' }).format(date);
}

/** Start or end of a day in Hong Kong (UTC+8, no daylight saving) as an ISO datetime with offset. */
export function hongKongDayBoundary(date: string, end: boolean): string {
  return `${date}T${end ? '23:59:59.999' : '00:00:00'}+08:00`;
}
