import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/server/core/errors.js';
import { DUTY_PERMISSION, successorFor } from '../../src/server/modules/exchange/policy.js';
import { changedRows, mergeCorrections, particularsOf, recordRefusal } from '../../src/server/modules/exchange/returns/corrections.js';

describe('rows corrected by hand', () => {
  const cols = ['strn', 'regNo', 'nameEn', 'level'];
  const before = [
    { strn: 'S1234567', regNo: 'R1', nameEn: 'A', level: 'S1' },
    { strn: '', regNo: 'R2', nameEn: 'B', level: 'S1' },
  ];
  it('finds the changed columns of each row (1-based), a missing cell reading as empty', () => {
    const after = [
      { ...before[0], level: 'S2' },
      { regNo: 'R2', nameEn: 'B', level: 'S1', strn: 'S7654321' },
    ];
    expect([...changedRows(before, after, cols)]).toEqual([
      [1, ['level']],
      [2, ['strn']],
    ]);
    expect(
      changedRows(
        before,
        before.map((r) => ({ ...r })),
        cols,
      ).size,
    ).toBe(0);
  });
  it('keeps earlier corrections, joins columns, and never forgets that a record was corrected', () => {
    const first = mergeCorrections([], 'students', new Map([[2, ['strn']]]), new Set([2]));
    expect(first).toEqual([{ file: 'students', row: 2, columns: ['strn'], record: true }]);
    const second = mergeCorrections(
      first,
      'students',
      new Map([
        [2, ['nameEn']],
        [1, ['level']],
      ]),
      new Set(),
    );
    expect(second).toEqual([
      { file: 'students', row: 1, columns: ['level'], record: false },
      { file: 'students', row: 2, columns: ['strn', 'nameEn'], record: true },
    ]);
    // Another file's corrections are left as they are.
    expect(mergeCorrections([{ file: 'formB', row: 1, columns: ['strn'], record: false }], 'students', new Map(), new Set())).toHaveLength(
      1,
    );
  });
  it('takes only the particulars that are the student record from a row', () => {
    expect(particularsOf({ strn: 's1', level: 'S2', nameZh: '' }, ['strn', 'level', 'nameZh'])).toEqual({ strn: 's1', nameZh: '' });
    expect(particularsOf({ level: 'S2' }, ['level'])).toEqual({});
  });
  it("names the row's cell when the record refuses, and leaves a missing right as it is", () => {
    const bad = recordRefusal(new AppError('strn_taken'), 'students', 3, ['strn']) as AppError;
    expect(bad.code).toBe('record_correction_invalid');
    expect(bad.extra.errors).toEqual([{ path: 'students:3:strn', code: 'strn_taken' }]);
    const zod = recordRefusal(new AppError('validation_failed', { errors: [{ path: 'nameEn', code: 'too_big' }] }), 'roll', 1, [
      'nameEn',
    ]) as AppError;
    expect(zod.extra.errors).toEqual([{ path: 'roll:1:nameEn', code: 'too_big' }]);
    expect((recordRefusal(new AppError('forbidden'), 'students', 1, []) as AppError).code).toBe('forbidden');
    const other = new Error('boom');
    expect(recordRefusal(other, 'students', 1, [])).toBe(other);
  });
});

describe('exchange duties handed over', () => {
  const duties = { ownerId: 'o', backupId: 'b', checkerId: 'c' };
  it('pass to the successor, unless they already hold another duty in the same procedure or task', () => {
    expect(successorFor(duties, 'checker', 'n')).toBe('n');
    expect(successorFor(duties, 'backup', 'o')).toBeNull();
    expect(successorFor(duties, 'checker', 'b')).toBeNull();
    // Taking over one's own duty changes nothing.
    expect(successorFor(duties, 'owner', 'o')).toBe('o');
  });
  it('each need their right: the owner and backup prepare, the checker approves', () => {
    expect(DUTY_PERMISSION).toEqual({ owner: 'exchange.prepare', backup: 'exchange.prepare', checker: 'exchange.approve' });
  });
});
