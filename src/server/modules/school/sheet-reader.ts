/**
 * Reading an uploaded spreadsheet into rows of text. Runs inside the sheet worker (sheet-worker.ts),
 * never on the server's request thread: see spreadsheet.ts for how it is called and limited.
 */
import { parse as parseCsv } from 'csv-parse';
import type ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { ZipRefused, inspectZip, verifyUnpackedSizes } from './zip-limits.js';

export interface Sheet {
  headers: string[];
  /** Cell text by header, one object per data row (row 2 onwards). */
  rows: Record<string, string>[];
}

/** Why a file is refused, as the error code the person is shown. */
export type SheetRefusal = 'file_not_spreadsheet' | 'spreadsheet_too_large';

export class SheetRefused extends Error {
  constructor(readonly code: SheetRefusal) {
    super(code);
  }
}

/** A school's file has a dozen columns; a cell with text further right than this is not one. */
export const MAX_COLUMNS = 256;

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * What a file is decides how it is read, not its name: XLSX (a zip) or UTF-8 CSV; anything else is
 * refused. Reading stops at the first data row past `maxRows` (the sheet then has maxRows + 1 rows,
 * and the import reports too many), so a long file costs no more than one just over the limit.
 */
export async function parseSheet(file: Buffer, maxRows: number): Promise<Sheet> {
  if (file.subarray(0, 4).equals(ZIP)) return parseXlsx(file, maxRows);
  return parseCsvText(file, maxRows);
}

async function parseCsvText(file: Buffer, maxRows: number): Promise<Sheet> {
  const text = file.toString('utf8');
  if (text.includes('\u0000') || text.includes('\uFFFD') || !/[,\n]/.test(text)) throw new SheetRefused('file_not_spreadsheet');
  const records: string[][] = [];
  const parser = Readable.from([text.replace(/^\uFEFF/, '')]).pipe(parseCsv({ relax_column_count: true, skip_empty_lines: true }));
  try {
    // Without `columns`, csv-parse yields one array of strings per record.
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!keep(records, record, maxRows)) break;
    }
  } catch {
    throw new SheetRefused('file_not_spreadsheet');
  } finally {
    parser.destroy();
  }
  return toSheet(records, records[0]?.length ?? 0);
}

async function parseXlsx(file: Buffer, maxRows: number): Promise<Sheet> {
  try {
    await verifyUnpackedSizes(file, inspectZip(file));
  } catch (err) {
    if (err instanceof ZipRefused) throw new SheetRefused(err.reason === 'too_large' ? 'spreadsheet_too_large' : 'file_not_spreadsheet');
    throw err;
  }
  const records: string[][] = [];
  // Loaded here, not at the top: a CSV import's worker never needs exceljs (about 1.3 s to load).
  const { default: excel } = await import('exceljs');
  const reader = new excel.stream.xlsx.WorkbookReader(Readable.from([file]), {
    sharedStrings: 'cache',
    // Styles say which numbers are dates.
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      // The first tab, as the workbook orders them (the reader meets sheets in the archive's order).
      const first = (reader as unknown as { model?: { sheets?: { id: number }[] } }).model?.sheets?.[0]?.id;
      if (first !== undefined && (sheet as unknown as { id: number }).id !== first) continue;
      for await (const row of sheet) {
        const cells: string[] = [];
        row.eachCell({ includeEmpty: false }, (cell, column) => {
          if (column > MAX_COLUMNS) throw new SheetRefused('spreadsheet_too_large');
          cells[column - 1] = cellText(cell.value);
        });
        if (
          !keep(
            records,
            Array.from(cells, (c) => c ?? ''),
            maxRows,
          )
        )
          break;
      }
      break;
    }
  } catch (err) {
    if (err instanceof SheetRefused) throw err;
    throw new SheetRefused('file_not_spreadsheet');
  }
  // As wide as the widest row, as a whole-sheet read (exceljs's columnCount) has it.
  return toSheet(records, Math.max(0, ...records.map((r) => r.length)));
}

/** Keep a record; false once the rows past the header (blank ones not counted) exceed the limit. */
function keep(records: string[][], record: string[], maxRows: number): boolean {
  if (!record.some((c) => c.trim() !== '')) return true;
  records.push(record);
  return records.length - 1 <= maxRows;
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

function toSheet(records: string[][], width: number): Sheet {
  const [head, ...body] = records;
  if (!head) throw new SheetRefused('file_not_spreadsheet');
  const headers = Array.from({ length: width }, (_, i) => (head[i] ?? '').trim().toLowerCase());
  const rows = body.map((r) => Object.fromEntries(headers.map((h, i) => [h, (r[i] ?? '').trim()])));
  return { headers, rows };
}
