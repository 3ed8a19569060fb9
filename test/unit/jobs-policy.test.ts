import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  JOB_RESULT_MS,
  JOB_STALE_MS,
  downloadRefusal,
  expiresAt,
  failureCode,
  mayRead,
  staleBefore,
} from '../../src/server/modules/jobs/policy.js';
import { writeSheet } from '../../src/server/modules/school/spreadsheet.js';

const now = new Date('2026-11-30T02:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);

describe('background job rules', () => {
  it('only the person who asked reads a job', () => {
    expect(mayRead('u1', 'u1')).toBe(true);
    expect(mayRead('u1', 'u2')).toBe(false);
  });

  it('gives the file only when done and while it is kept', () => {
    expect(downloadRefusal('queued', false, null, now)).toBe('job_not_ready');
    expect(downloadRefusal('running', false, null, now)).toBe('job_not_ready');
    expect(downloadRefusal('failed', false, null, now)).toBe('job_not_ready');
    expect(downloadRefusal('done', true, expiresAt(now), now)).toBeNull();
    expect(downloadRefusal('done', true, expiresAt(now), later(JOB_RESULT_MS - 1))).toBeNull();
    expect(downloadRefusal('done', true, expiresAt(now), later(JOB_RESULT_MS))).toBe('job_expired');
    expect(downloadRefusal('done', false, expiresAt(now), now)).toBe('job_expired');
  });

  it('counts a job silent for longer than the stale window as interrupted', () => {
    expect(staleBefore(now).getTime()).toBe(now.getTime() - JOB_STALE_MS);
  });

  it('stores a failure as an error code, never a raw message', () => {
    expect(failureCode('job_interrupted')).toBe('job_interrupted');
    expect(failureCode('relation "student_guardians" does not exist')).toBe('internal');
    expect(failureCode(undefined)).toBe('internal');
  });
});

describe('writing a sheet with progress', () => {
  const rows = Array.from({ length: 450 }, (_, n) => [`R${n}`, `陳小明${n}`, n, null]);

  it('reports rows done in batches, forward only, ending at the whole', async () => {
    const seen: [number, number][] = [];
    const file = await writeSheet('xlsx', ['reg_no', 'name_zh', 'n', 'empty'], rows, async (done, total) => {
      seen.push([done, total]);
    });
    expect(seen).toEqual([
      [200, 450],
      [400, 450],
      [450, 450],
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws?.rowCount).toBe(451);
    expect(ws?.getRow(2).values).toEqual([undefined, 'R0', '陳小明0', 0]);
    expect(ws?.getRow(451).getCell(2).value).toBe('陳小明449');
  });

  it('writes CSV at once and says so', async () => {
    const seen: number[] = [];
    const file = await writeSheet('csv', ['reg_no'], [['R1'], ['R2']], async (done) => {
      seen.push(done);
    });
    expect(seen).toEqual([2]);
    expect(file.toString('utf8')).toContain('R2');
  });
});
