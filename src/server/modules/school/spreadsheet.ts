import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { writeCsv } from '../../core/csv.js';
import { AppError } from '../../core/errors.js';

export interface Sheet {
  headers: string[];
  /** Cell text by header, one object per data row (row 2 onwards). */
  rows: Record<string, string>[];
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** What a file is decides how it is read, not its name: XLSX (a zip) or UTF-8 CSV; anything else is refused. */
export async function readSheet(file: Buffer): Promise<Sheet> {
  if (file.subarray(0, 4).equals(ZIP)) return readXlsx(file);
  const text = file.toString('utf8');
  if (text.includes('\u0000') || text.includes('\uFFFD') || !/[,\n]/.test(text)) throw new AppError('file_not_spreadsheet');
  let records: string[][];
  try {
    const parsed: unknown = parseCsv(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true });
    // Without `columns`, csv-parse yields one array of strings per record.
    records = parsed as string[][];
  } catch {
    throw new AppError('file_not_spreadsheet');
  }
  return toSheet(records);
}

async function readXlsx(file: Buffer): Promise<Sheet> {
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs types its Buffer as an ArrayBuffer (its own global declaration); it reads a Node Buffer as it is.
    await wb.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw new AppError('file_not_spreadsheet');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new AppError('file_not_spreadsheet');
  const records: string[][] = [];
  // columnCount walks the whole sheet each time it is read: read it once.
  const columns = ws.columnCount;
  ws.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let i = 1; i <= columns; i++) cells.push(cellText(row.getCell(i).value));
    records.push(cells);
  });
  return toSheet(records);
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return v.result === undefined || v.result === null ? '' : String(v.result);
    return '';
  }
  return String(v);
}

function toSheet(records: string[][]): Sheet {
  const [head, ...body] = records;
  if (!head) throw new AppError('file_not_spreadsheet');
  const headers = head.map((h) => h.trim().toLowerCase());
  const rows = body
    .filter((r) => r.some((c) => c.trim() !== ''))
    .map((r) => Object.fromEntries(headers.map((h, i) => [h, (r[i] ?? '').trim()])));
  return { headers, rows };
}

/** Write rows as CSV (UTF-8 with a byte-order mark so Excel shows Chinese) or XLSX. */
export async function writeSheet(format: 'csv' | 'xlsx', headers: string[], rows: (string | number | null)[][]): Promise<Buffer> {
  if (format === 'csv') return writeCsv(headers, rows);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('data');
  ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
