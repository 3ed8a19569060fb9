import { describe, expect, it, vi } from 'vitest';

// Records whether anything loaded exceljs (the real module is still returned).
const loaded = vi.hoisted(() => ({ exceljs: false }));
vi.mock('exceljs', async (original) => {
  loaded.exceljs = true;
  return original();
});

describe('sheet reader', () => {
  it('reads a CSV without loading exceljs (its load costs a CSV import’s worker about 1.3 s)', async () => {
    const { parseSheet } = await import('../../src/server/modules/school/sheet-reader.js');
    const sheet = await parseSheet(Buffer.from('reg_no,name_en\nR1,Chan Tai Man\n'), 10);
    expect(sheet.rows).toEqual([{ reg_no: 'R1', name_en: 'Chan Tai Man' }]);
    expect(loaded.exceljs).toBe(false);
  });
});
