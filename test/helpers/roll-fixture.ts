/**
 * A secondary school's roll for the returns' edge cases, made directly in SQL (factories.ts style):
 * 41 students over S1–S6 in 2026/27 with the year before, around the reference date 15 October 2026.
 */
import type { Database } from '../../src/server/core/db/types.js';
import { strnWithCheck } from '../../src/server/modules/school/identity.js';

export const REF = '2026-10-15';

interface Place {
  cls: string;
  no: number;
  from: string;
  to?: string;
}
export interface RollStudent {
  n: number;
  entry?: string;
  leave?: string;
  status?: 'on_roll' | 'left' | 'graduated';
  noStrn?: boolean;
  /** Class code in 2025/26 (the year before). */
  prev?: string;
  /** Placements in 2026/27, in order. */
  places: Place[];
}

const Y = '2026-09-01';
const p = (cls: string, no: number, from = Y, to?: string): Place => ({ cls, no, from, ...(to ? { to } : {}) });

/** What each student tests is written beside them; the test asserts the return row by row. */
export const ROLL: RollStudent[] = [
  // S1 — 1A and 1B
  { n: 1, places: [p('1A', 1)] },
  { n: 2, places: [p('1A', 2)] },
  { n: 3, noStrn: true, places: [p('1A', 3)] }, // missing STRN: listed, flagged by the template rule
  { n: 4, entry: REF, places: [p('1A', 4, REF)] }, // admitted on the reference date: counted
  { n: 5, entry: '2026-10-16', places: [p('1A', 5, '2026-10-16')] }, // admitted the day after: not on roll
  { n: 6, entry: '2026-09-20', places: [p('1A', 6, '2026-09-20')] }, // admitted before: counted
  { n: 7, leave: '2026-10-14', status: 'left', places: [p('1A', 7)] }, // left the day before: not listed at all
  { n: 8, leave: REF, status: 'left', places: [p('1A', 8)] }, // leave date = reference date (last day on roll): counted
  { n: 9, leave: '2026-10-20', status: 'left', places: [p('1A', 9)] }, // left after: counted
  { n: 10, prev: '1A', places: [p('1A', 10)] }, // S1 again: repeater
  { n: 11, places: [p('1A', 11, Y, '2026-10-09'), p('1B', 1, '2026-10-10')] }, // moved before: in 1B
  { n: 12, places: [p('1A', 12, Y, '2026-10-19'), p('1B', 2, '2026-10-20')] }, // moved after: still in 1A
  { n: 13, places: [p('1B', 3)] },
  { n: 14, places: [p('1A', 13, Y, '2026-10-14'), p('1B', 4, REF)] }, // moved on the reference date: in 1B
  // S2 — 2A
  { n: 15, entry: '2025-09-01', prev: '1A', places: [p('2A', 1)] }, // promoted: not a repeater
  { n: 16, entry: '2024-09-01', prev: '2A', places: [p('2A', 2)] }, // repeater
  { n: 17, entry: '2024-09-01', prev: '2A', places: [p('2A', 3)] }, // repeater
  { n: 18, status: 'left', places: [p('2A', 4)] }, // marked left without a date: off the roll
  { n: 19, places: [p('2A', 5)] },
  { n: 20, entry: '2025-09-01', prev: '1A', places: [] }, // on roll since last year, never placed: exception
  { n: 21, entry: '2025-09-01', prev: '1A', places: [p('2A', 6, '2026-11-02')] }, // placed by an import after the date: exception
  { n: 22, places: [p('2A', 7)] },
  // S3 — 3A
  { n: 23, entry: '2024-09-01', prev: '2A', places: [p('3A', 1)] },
  { n: 24, entry: '2023-09-01', prev: '3A', places: [p('3A', 2)] }, // repeater
  { n: 25, leave: '2026-12-31', places: [p('3A', 3)] }, // leaving later, still marked on roll: counted
  { n: 26, places: [p('3A', 4)] },
  { n: 27, leave: '2026-09-30', status: 'left', places: [p('3A', 5)] }, // left before: not listed
  // S4 — 4A
  { n: 28, places: [p('4A', 1)] },
  { n: 29, entry: '2022-09-01', prev: '4A', places: [p('4A', 2)] }, // repeater
  { n: 30, places: [p('4A', 3)] },
  { n: 31, noStrn: true, places: [p('4A', 4)] }, // missing STRN
  // S5 — 5A (counted, not listed, in the headcount)
  { n: 32, entry: '2022-09-01', prev: '4A', places: [p('5A', 1)] },
  { n: 33, entry: '2021-09-01', prev: '5A', places: [p('5A', 2)] }, // repeater
  { n: 34, places: [p('5A', 3)] },
  { n: 35, leave: '2026-10-01', status: 'left', places: [p('5A', 4)] }, // left before
  // S6 — 6A
  { n: 36, places: [p('6A', 1)] },
  { n: 37, places: [p('6A', 2)] },
  { n: 38, entry: '2026-11-01', places: [p('6A', 3, '2026-11-01')] }, // admitted after: not on roll, not an exception
  { n: 39, places: [p('6A', 4)] },
  { n: 40, leave: REF, status: 'left', places: [p('6A', 5)] }, // left on the reference date: counted
  // A graduate of last year, still in the records: off the roll, not an exception.
  { n: 41, entry: '2020-09-01', leave: '2026-07-15', status: 'graduated', prev: '6A', places: [] },
];

export const regNo = (n: number) => `R${String(n).padStart(3, '0')}`;
export const strnOf = (n: number) => strnWithCheck('T', String(500000 + n));
export const sexOf = (n: number) => (n % 2 ? 'M' : 'F');

/** Years 2025/26 (finished) and 2026/27 (current), their classes, and the students above with their placements. */
export async function rollFixture(db: Database, schoolId: string): Promise<{ yearId: string; classIds: Record<string, string> }> {
  return db.systemTx(async (q) => {
    const years: Record<string, string> = {};
    for (const [code, starts, ends, status] of [
      ['2025/26', '2025-09-01', '2026-08-31', 'finished'],
      ['2026/27', '2026-09-01', '2027-08-31', 'current'],
    ] as const) {
      const [y] = await q.query<{ id: string }>(
        'INSERT INTO school_years (school_id, code, starts_on, ends_on, status) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [schoolId, code, starts, ends, status],
      );
      years[code] = y?.id ?? '';
    }
    const classIds: Record<string, string> = {};
    for (const [year, codes] of [
      ['2025/26', ['1A', '2A', '3A', '4A', '5A', '6A']],
      ['2026/27', ['1A', '1B', '2A', '3A', '4A', '5A', '6A']],
    ] as const) {
      for (const code of codes) {
        const [c] = await q.query<{ id: string }>(
          `INSERT INTO classes (school_id, year_id, code, level, name_zh, name_en) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [schoolId, years[year], code, `S${code[0]}`, `中${code}`, `Secondary ${code}`],
        );
        classIds[`${year}:${code}`] = c?.id ?? '';
      }
    }
    for (const s of ROLL) {
      const [row] = await q.query<{ id: string }>(
        `INSERT INTO students (school_id, reg_no, strn, name_zh, name_en, sex, date_of_birth, id_type, id_sealed, id_masked, entry_date, status, leave_date)
         VALUES ($1, $2, $3, $4, $5, $6, '2012-03-04', 'other', 'sealed-for-test', 'X***', $7, $8, $9) RETURNING id`,
        [
          schoolId,
          regNo(s.n),
          s.noStrn ? null : strnOf(s.n),
          `學生${s.n}`,
          `Student ${s.n}`,
          sexOf(s.n),
          s.entry ?? Y,
          s.status ?? 'on_roll',
          s.leave ?? null,
        ],
      );
      const id = row?.id ?? '';
      if (s.prev)
        await q.query(
          `INSERT INTO student_classes (school_id, student_id, year_id, class_id, class_number, from_date, to_date) VALUES ($1, $2, $3, $4, $5, '2025-09-01', NULL)`,
          [schoolId, id, years['2025/26'], classIds[`2025/26:${s.prev}`], s.n],
        );
      for (const pl of s.places)
        await q.query(
          `INSERT INTO student_classes (school_id, student_id, year_id, class_id, class_number, from_date, to_date) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [schoolId, id, years['2026/27'], classIds[`2026/27:${pl.cls}`], pl.no, pl.from, pl.to ?? null],
        );
    }
    return { yearId: years['2026/27'] ?? '', classIds };
  });
}
