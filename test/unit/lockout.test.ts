import { describe, expect, it } from 'vitest';
import { lockedSeconds, lockoutDuration } from '../../src/server/core/auth/lockout.js';

describe('lockout growth', () => {
  it('does not lock below 10 failures', () => {
    for (let n = 0; n < 10; n++) expect(lockoutDuration(n)).toBe(0);
  });
  it('locks from the 10th failure for 1 minute, doubling, at most 15 minutes', () => {
    expect([10, 11, 12, 13, 14, 15, 30].map((n) => lockoutDuration(n) / 60_000)).toEqual([1, 2, 4, 8, 15, 15, 15]);
  });
});

describe('lock time left', () => {
  const now = new Date('2026-11-02T08:00:00Z');
  it('is none when never locked or the lock has passed', () => {
    expect(lockedSeconds(null, now)).toBe(0);
    expect(lockedSeconds(now, now)).toBe(0);
    expect(lockedSeconds(new Date(now.getTime() - 1), now)).toBe(0);
  });
  it('is whole seconds, rounded up', () => {
    expect(lockedSeconds(new Date(now.getTime() + 1), now)).toBe(1);
    expect(lockedSeconds(new Date(now.getTime() + 60_000), now)).toBe(60);
    expect(lockedSeconds(new Date(now.getTime() + 60_001), now)).toBe(61);
  });
});
