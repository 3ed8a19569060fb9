import { describe, expect, it } from 'vitest';
import { isRepeater, onRollOn, placedOn, rollExceptionReason } from '../../src/server/modules/school/roll-policy.js';

/** The one rule of who is on roll on a date, at its edges (docs/architecture.md "School records"). */
const REF = '2026-10-15';
const student = (entryDate: string, leaveDate: string | null, status = 'on_roll') => ({ entryDate, leaveDate, status });

describe('on roll on a date', () => {
  it('the entry date is the first day on roll', () => {
    expect(onRollOn(student('2026-10-14', null), REF)).toBe(true);
    expect(onRollOn(student(REF, null), REF)).toBe(true);
    expect(onRollOn(student('2026-10-16', null), REF)).toBe(false);
  });
  it('the leave date is the last day on roll', () => {
    expect(onRollOn(student('2026-09-01', '2026-10-14', 'left'), REF)).toBe(false);
    expect(onRollOn(student('2026-09-01', REF, 'left'), REF)).toBe(true);
    expect(onRollOn(student('2026-09-01', '2026-10-16', 'left'), REF)).toBe(true);
  });
  it('without a leave date the status decides; with one, the date wins', () => {
    expect(onRollOn(student('2026-09-01', null, 'left'), REF)).toBe(false);
    expect(onRollOn(student('2026-09-01', null, 'graduated'), REF)).toBe(false);
    expect(onRollOn(student('2026-09-01', '2027-01-31', 'left'), REF)).toBe(true);
    expect(onRollOn(student('2026-09-01', '2026-10-01', 'on_roll'), REF)).toBe(false);
  });
});

describe('a placement covers its first to its last day', () => {
  it('from and to are inclusive; an open placement runs on', () => {
    expect(placedOn({ fromDate: REF, toDate: null }, REF)).toBe(true);
    expect(placedOn({ fromDate: '2026-10-16', toDate: null }, REF)).toBe(false);
    expect(placedOn({ fromDate: '2026-09-01', toDate: REF }, REF)).toBe(true);
    expect(placedOn({ fromDate: '2026-09-01', toDate: '2026-10-14' }, REF)).toBe(false);
  });
});

describe('exceptions and repeaters', () => {
  it('a student placed only after the date is told apart from one never placed', () => {
    expect(rollExceptionReason('2026-10-16', REF)).toBe('placed_after');
    expect(rollExceptionReason(null, REF)).toBe('never_placed');
    expect(rollExceptionReason(REF, REF)).toBe('never_placed');
  });
  it('a repeater is at the same level as the year before', () => {
    expect(isRepeater('S2', 'S2')).toBe(true);
    expect(isRepeater('S2', 'S1')).toBe(false);
    expect(isRepeater('S1', null)).toBe(false);
  });
});
