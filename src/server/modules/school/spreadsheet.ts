import ExcelJS from 'exceljs';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { writeCsv } from '../../core/csv.js';
import { AppError } from '../../core/errors.js';
import type { Sheet, SheetRefusal } from './sheet-reader.js';
import type { SheetJob } from './sheet-worker.js';
import { ZipRefused, inspectZip } from './zip-limits.js';

export type { Sheet } from './sheet-reader.js';

/**
 * How much reading uploads may take from the server. One file is read by one worker thread with its
 * own heap, so a file that is slow or large to read stalls neither other requests nor other schools.
 */
export const SHEET_LIMITS = {
  /** Workers reading at once; more uploads wait their turn, and past `maxWaiting` are asked to come back. */
  maxReaders: 2,
  maxWaiting: 8,
  /**
   * Files of one school read or waiting at once (one reading, the rest queued behind it; past that,
   * `import_busy`): a school never holds more than one of the readers or one place in their queue.
   */
  perSchool: 3,
  /** A worker's heap (young generation on top: 16 MB). A 5,000-row XLSX reads in about a second with 48 MB, and fails below 24. */
  heapMb: 64,
  /** Reading a 5,000-row file takes about a second; a file that takes this long is refused. */
  timeoutMs: 30_000,
};

/**
 * Read an uploaded CSV or XLSX file for `schoolId`, at most `maxRows` data rows (one more when there
 * are more). An XLSX file's directory is checked against the zip limits here first, cheaply, so an
 * archive that claims to unpack to too much never reaches a worker; what it really unpacks to is
 * checked there.
 */
export async function readSheet(file: Buffer, maxRows: number, schoolId: string): Promise<Sheet> {
  if (file.subarray(0, 2).toString('latin1') === 'PK') {
    try {
      inspectZip(file);
    } catch (err) {
      if (err instanceof ZipRefused) throw new AppError(err.reason === 'too_large' ? 'spreadsheet_too_large' : 'file_not_spreadsheet');
      throw err;
    }
  }
  const school = schoolGates.get(schoolId) ?? new Gate(1, SHEET_LIMITS.perSchool - 1);
  schoolGates.set(schoolId, school);
  const leaveSchool = await school.enter();
  try {
    const leaveReaders = await readers.enter();
    try {
      return await inWorker({ file: new Uint8Array(file), maxRows });
    } finally {
      leaveReaders();
    }
  } finally {
    leaveSchool();
    if (school.idle) schoolGates.delete(schoolId);
  }
}

/** At most `capacity` inside, at most `maxWaiting` queued (more: import_busy); a place freed goes straight to the longest waiter. */
class Gate {
  private inside = 0;
  private readonly queue: (() => void)[] = [];
  constructor(
    private readonly capacity: number,
    private readonly maxWaiting: number,
  ) {}

  get idle(): boolean {
    return this.inside === 0 && this.queue.length === 0;
  }

  async enter(): Promise<() => void> {
    if (this.inside < this.capacity) this.inside++;
    else if (this.queue.length >= this.maxWaiting) throw new AppError('import_busy');
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = this.queue.shift();
      if (next) next();
      else this.inside--;
    };
  }
}

const readers = new Gate(SHEET_LIMITS.maxReaders, SHEET_LIMITS.maxWaiting);
const schoolGates = new Map<string, Gate>();

type Answer = { sheet: Sheet } | { refused: SheetRefusal } | { failed: string };

/**
 * The worker is a file of its own: sheet-worker.ts next to this one under tsx (tests, the CLI),
 * sheet-worker.js next to the bundle that `npm start` builds (dist/server/, where this code then runs).
 * A TypeScript worker gets tsx's loader, which is not inherited from the thread that starts it.
 */
function startWorker(job: SheetJob, scratch: string): Worker {
  const options = {
    workerData: job,
    // exceljs parks a sheet met before the shared strings in a temporary file, and leaves it there when
    // reading stops early: each worker gets a folder of its own, removed when the worker has ended.
    env: { ...process.env, TMPDIR: scratch, TMP: scratch, TEMP: scratch },
    transferList: [job.file.buffer as ArrayBuffer],
    resourceLimits: { maxOldGenerationSizeMb: SHEET_LIMITS.heapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
  };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./sheet-worker.js', import.meta.url), options);
  // tsx/esm/api's ESM build (the one its exports map gives `import`; the CommonJS one cannot register from a worker).
  const tsx = new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'))).href;
  const worker = new URL('./sheet-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); })`;
  return new Worker(boot, { ...options, eval: true });
}

function inWorker(job: SheetJob): Promise<Sheet> {
  return new Promise((resolve, reject) => {
    const scratch = mkdtempSync(join(tmpdir(), 'sams-sheet-'));
    const worker = startWorker(job, scratch);
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker
        .terminate()
        .finally(() => rm(scratch, { recursive: true, force: true }))
        .catch(() => undefined);
    };
    const timer = setTimeout(() => settle(() => reject(new AppError('spreadsheet_too_large'))), SHEET_LIMITS.timeoutMs);
    worker.once('message', (answer: Answer) =>
      settle(() => {
        if ('sheet' in answer) resolve(answer.sheet);
        else if ('refused' in answer) reject(new AppError(answer.refused));
        else reject(new Error(`sheet worker failed: ${answer.failed}`));
      }),
    );
    worker.once('error', (err: Error & { code?: string }) =>
      // Past its heap: the file needs more memory to read than any school's file does.
      settle(() => reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new AppError('spreadsheet_too_large') : err)),
    );
    worker.once('exit', (code) => settle(() => reject(new Error(`sheet worker ended (${code}) without an answer`))));
  });
}

/** Rows done so far of the whole; called every `PROGRESS_EVERY` rows while a file is written. */
export type SheetProgress = (done: number, total: number) => Promise<void>;
const PROGRESS_EVERY = 200;

/**
 * Write rows as CSV (UTF-8 with a byte-order mark so Excel shows Chinese) or XLSX. The XLSX goes
 * through exceljs's streaming writer with strings inline (no workbook model kept in memory: about
 * four times faster for a 1,000-student export), and the event loop gets a turn between batches of
 * rows, so other requests are answered while a large file is written.
 */
export async function writeSheet(
  format: 'csv' | 'xlsx',
  headers: string[],
  rows: (string | number | null)[][],
  progress?: SheetProgress,
): Promise<Buffer> {
  if (format === 'csv') {
    await progress?.(rows.length, rows.length);
    return writeCsv(headers, rows);
  }
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('data');
  ws.addRow(headers).commit();
  for (let i = 0; i < rows.length; i++) {
    ws.addRow(rows[i] ?? []).commit();
    if ((i + 1) % PROGRESS_EVERY === 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await progress?.(i + 1, rows.length);
    }
  }
  ws.commit();
  await wb.commit();
  await progress?.(rows.length, rows.length);
  return Buffer.concat(chunks);
}
