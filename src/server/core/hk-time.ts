/**
 * A moment as people in Hong Kong write it, for texts the server composes (mail, printed sheets,
 * notice parameters, the links it prints): day first, 24-hour clock, Hong Kong time. The web has
 * the same rules in src/web/components/format.ts.
 */
export interface HkTime {
  /** 30/11/2026 */
  date: string;
  /** 2026年11月30日 */
  dateZh: string;
  /** 09:15 (24-hour, Hong Kong time) */
  time: string;
}

export function hkTime(at: Date): HkTime {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Hong_Kong',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const [d, m, y] = [get('day'), get('month'), get('year')];
  return { date: `${d}/${m}/${y}`, dateZh: `${y}年${Number(m)}月${Number(d)}日`, time: `${get('hour')}:${get('minute')}` };
}

/** A calendar day ('2026-11-30', no time of day) in both ways; anything else is returned as it is. */
export function hkDay(day: string): { date: string; dateZh: string } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return { date: day, dateZh: day };
  return { date: `${m[3]}/${m[2]}/${m[1]}`, dateZh: `${m[1]}年${Number(m[2])}月${Number(m[3])}日` };
}

/** "30/11/2026 09:15 (Hong Kong time)", for English lines (the console, the English half of a mail). */
export function hkStampEn(at: Date): string {
  const t = hkTime(at);
  return `${t.date} ${t.time} (Hong Kong time)`;
}

/** "2026年11月30日 09:15（香港時間）", for Chinese lines. */
export function hkStampZh(at: Date): string {
  const t = hkTime(at);
  return `${t.dateZh} ${t.time}（香港時間）`;
}
