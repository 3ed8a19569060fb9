import { describe, expect, it } from 'vitest';
import { addMonths, annualReview } from '../../src/server/core/checks/evaluators.js';

const at = new Date('2025-03-15T02:00:00Z');

describe('annualReview: one threshold for every yearly duty', () => {
  it('never done needs attention and has no due date', () => {
    expect(annualReview(null, at)).toEqual({ state: 'never', status: 'attention', due: null });
  });
  it('is ok until twelve calendar months have passed', () => {
    const r = annualReview(at, new Date('2026-03-15T01:59:59Z'));
    expect(r).toEqual({ state: 'ok', status: 'ok', due: new Date('2026-03-15T02:00:00Z') });
  });
  it('needs attention from the day it falls due until a month later', () => {
    expect(annualReview(at, new Date('2026-03-15T02:00:00Z')).status).toBe('attention');
    expect(annualReview(at, new Date('2026-04-15T01:59:59Z')).status).toBe('attention');
  });
  it('is overdue a month after it fell due', () => {
    expect(annualReview(at, new Date('2026-04-15T02:00:00Z'))).toMatchObject({ state: 'due', status: 'overdue' });
  });
  it('adds calendar months without spilling into the next month', () => {
    expect(addMonths(new Date('2025-01-31T00:00:00Z'), 1)).toEqual(new Date('2025-02-28T00:00:00Z'));
    expect(addMonths(new Date('2024-02-29T00:00:00Z'), 12)).toEqual(new Date('2025-02-28T00:00:00Z'));
    expect(addMonths(new Date('2025-12-31T00:00:00Z'), 2)).toEqual(new Date('2026-02-28T00:00:00Z'));
  });
});
