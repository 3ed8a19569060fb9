import { describe, expect, it } from 'vitest';
import { lockoutDuration } from '../../src/server/core/auth/lockout.js';

describe('lockout growth', () => {
  it('does not lock below 10 failures', () => {
    for (let n = 0; n < 10; n++) expect(lockoutDuration(n)).toBe(0);
  });
  it('locks from the 10th failure for 1 minute, doubling, at most 15 minutes', () => {
    expect([10, 11, 12, 13, 14, 15, 30].map((n) => lockoutDuration(n) / 60_000)).toEqual([1, 2, 4, 8, 15, 15, 15]);
  });
});
