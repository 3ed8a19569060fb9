/** CSV for people to open in a spreadsheet: UTF-8 with a byte-order mark, formula-like cells neutralised. */
export function writeCsv(headers: string[], rows: (string | number | null)[][]): Buffer {
  const esc = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return Buffer.from('\uFEFF' + [headers, ...rows].map((r) => r.map(esc).join(',')).join('\r\n') + '\r\n', 'utf8');
}
