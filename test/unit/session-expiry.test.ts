import { describe, expect, it } from 'vitest';
import { SessionStore } from '../../src/server/core/auth/sessions.js';
import { ManualClock } from '../../src/server/core/clock.js';
import type { Database } from '../../src/server/core/db/types.js';

describe('session expiry with a moved clock', () => {
  const clock = new ManualClock(new Date('2026-11-02T00:00:00Z'));
  const store = new SessionStore({} as Database, clock, { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000 }, () => undefined);
  const start = clock.now();

  it('expires after 30 idle minutes', () => {
    const s = { createdAt: start, lastSeenAt: start };
    expect(store.isExpired(s, new Date(start.getTime() + 30 * 60_000))).toBe(false);
    expect(store.isExpired(s, new Date(start.getTime() + 30 * 60_000 + 1))).toBe(true);
  });
  it('expires 12 hours after sign-in even when active', () => {
    const at = new Date(start.getTime() + 12 * 3600_000 + 1);
    expect(store.isExpired({ createdAt: start, lastSeenAt: new Date(at.getTime() - 1000) }, at)).toBe(true);
    expect(store.isExpired({ createdAt: start, lastSeenAt: new Date(at.getTime() - 1000) }, new Date(at.getTime() - 2))).toBe(false);
  });
});
