/** A moment as people in Hong Kong write it, for texts the server composes (mail, printed sheets, notice parameters). */
export interface HkTime {
  /** 30/11/2026 */
  date: string;
  /** 2026年11月30日 */
  dateZh: string;
  /** 09:15 (24-hour, Hong Kong time) */
  time: string;
}

export function hkTime(at: Date): HkTime {
  const part = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Hong_Kong', ...o }).format(at);
  const [d = '', m = '', y = ''] = part({ day: '2-digit', month: '2-digit', year: 'numeric' }).split('/');
  return {
    date: `${d}/${m}/${y}`,
    dateZh: `${y}年${Number(m)}月${Number(d)}日`,
    time: part({ hour: '2-digit', minute: '2-digit', hour12: false }),
  };
}
