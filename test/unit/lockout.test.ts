import { describe, expect, it } from 'vitest';
import {
  FAMILIAR_FOR_MS,
  type FailureCounts,
  isFamiliar,
  lockedSeconds,
  lockedUntil,
  lockoutDuration,
  pauseBegun,
  pausedSeconds,
  sourceOf,
} from '../../src/server/core/auth/lockout.js';

describe('lockout growth', () => {
  it('does not lock below 10 failures', () => {
    for (let n = 0; n < 10; n++) expect(lockoutDuration(n)).toBe(0);
  });
  it('locks from the 10th failure for 1 minute, doubling, at most 15 minutes', () => {
    expect([10, 11, 12, 13, 14, 15, 30].map((n) => lockoutDuration(n) / 60_000)).toEqual([1, 2, 4, 8, 15, 15, 15]);
  });
  it('has the same shape from another threshold', () => {
    expect([29, 30, 31, 34].map((n) => lockoutDuration(n, 30) / 60_000)).toEqual([0, 1, 2, 15]);
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
  it('runs from the last failure', () => {
    expect(lockedUntil(9, now)).toBeNull();
    expect(lockedUntil(10, null)).toBeNull();
    expect(lockedUntil(10, now)?.getTime()).toBe(now.getTime() + 60_000);
    expect(lockedUntil(11, now)?.getTime()).toBe(now.getTime() + 120_000);
  });
});

describe('pause by account and address', () => {
  const now = new Date('2026-11-02T08:00:00Z');
  const at = (msAgo: number) => new Date(now.getTime() - msAgo);
  const none: FailureCounts = { fromSource: 0, lastFromSource: null, unfamiliar: 0, lastUnfamiliar: null };
  it('pauses an address by its own failures, from the 10th', () => {
    expect(pausedSeconds({ ...none, fromSource: 9, lastFromSource: now, unfamiliar: 9, lastUnfamiliar: now }, false, now)).toBe(0);
    expect(pausedSeconds({ ...none, fromSource: 10, lastFromSource: now, unfamiliar: 10, lastUnfamiliar: now }, false, now)).toBe(60);
    expect(pausedSeconds({ ...none, fromSource: 10, lastFromSource: at(60_000) }, false, now)).toBe(0);
    // A familiar address is paused by its own failures too.
    expect(pausedSeconds({ ...none, fromSource: 10, lastFromSource: now }, true, now)).toBe(60);
  });
  it('pauses unfamiliar addresses, and only them, by failures spread over unfamiliar addresses', () => {
    const spread = { ...none, unfamiliar: 30, lastUnfamiliar: now };
    expect(pausedSeconds(spread, false, now)).toBe(60);
    expect(pausedSeconds(spread, true, now)).toBe(0);
    expect(pausedSeconds({ ...spread, unfamiliar: 29 }, false, now)).toBe(0);
  });
  it('tells once, when a pause begins', () => {
    expect(pauseBegun({ fromSource: 9, unfamiliar: 9 }, false)).toBeNull();
    expect(pauseBegun({ fromSource: 10, unfamiliar: 10 }, false)).toBe('source');
    expect(pauseBegun({ fromSource: 11, unfamiliar: 11 }, false)).toBeNull();
    expect(pauseBegun({ fromSource: 10, unfamiliar: 0 }, true)).toBe('source');
    expect(pauseBegun({ fromSource: 3, unfamiliar: 30 }, false)).toBe('unfamiliar');
    expect(pauseBegun({ fromSource: 10, unfamiliar: 30 }, false)).toBe('unfamiliar');
    expect(pauseBegun({ fromSource: 3, unfamiliar: 30 }, true)).toBeNull();
    expect(pauseBegun({ fromSource: 3, unfamiliar: 31 }, false)).toBeNull();
  });
});

describe('familiar addresses', () => {
  const now = new Date('2026-11-02T08:00:00Z');
  it('are those signed in from within 90 days', () => {
    expect(isFamiliar(null, now)).toBe(false);
    expect(isFamiliar(now, now)).toBe(true);
    expect(isFamiliar(new Date(now.getTime() - FAMILIAR_FOR_MS + 1), now)).toBe(true);
    expect(isFamiliar(new Date(now.getTime() - FAMILIAR_FOR_MS), now)).toBe(false);
    expect(isFamiliar(new Date(now.getTime() + 1000), now)).toBe(false);
  });
});

describe('source address', () => {
  it('is an IPv4 address as it is, also when IPv4-mapped', () => {
    expect(sourceOf('10.1.0.1')).toBe('10.1.0.1');
    expect(sourceOf('::ffff:10.1.0.1')).toBe('10.1.0.1');
    expect(sourceOf('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });
  it('is the /64 network of an IPv6 address, however it is written', () => {
    expect(sourceOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(sourceOf('2001:0db8:0001:0002:ffff::1')).toBe('2001:db8:1:2::/64');
    expect(sourceOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceOf('2001:DB8:0:0:1::')).toBe('2001:db8:0:0::/64');
    expect(sourceOf('::1')).toBe('0:0:0:0::/64');
    expect(sourceOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
  it('keeps anything else, bounded', () => {
    expect(sourceOf('unknown')).toBe('unknown');
    expect(sourceOf('x'.repeat(100))).toHaveLength(64);
  });
});
