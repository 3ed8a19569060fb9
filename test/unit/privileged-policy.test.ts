import { describe, expect, it } from 'vitest';
import { breakGlassSealed } from '../../src/server/core/auth/policy.js';
import {
  accountStanding,
  breakGlassState,
  changeDeadline,
  passwordDue,
  sheetPassword,
  warningThreshold,
} from '../../src/server/modules/security/privileged/policy.js';

const DAY = 86_400_000;
const now = new Date('2026-11-30T02:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const base = {
  account_kind: 'shared' as const,
  password_changed_at: now,
  must_change_password: false,
  password_change_requested_at: null,
  sealed_at: null,
  break_glass_used_at: null,
};

describe('password age (memo S1)', () => {
  it('rotates shared and break-glass passwords only, never personal ones (ASVS 5 6.2.10)', () => {
    expect(passwordDue('personal', ago(1000), 180)).toBeNull();
    expect(passwordDue('shared', now, 180)?.getTime()).toBe(now.getTime() + 180 * DAY);
    expect(passwordDue('break_glass', now, 30)?.getTime()).toBe(now.getTime() + 30 * DAY);
  });

  it('warns at 14, 7 and 1 days, at the edge of each, and 0 once past due', () => {
    const due = new Date(now.getTime() + 14 * DAY);
    expect(warningThreshold(new Date(due.getTime() + 1), now)).toBeNull();
    expect(warningThreshold(due, now)).toBe(14);
    expect(warningThreshold(new Date(now.getTime() + 7 * DAY + 1), now)).toBe(14);
    expect(warningThreshold(new Date(now.getTime() + 7 * DAY), now)).toBe(7);
    expect(warningThreshold(new Date(now.getTime() + DAY + 1), now)).toBe(7);
    expect(warningThreshold(new Date(now.getTime() + DAY), now)).toBe(1);
    expect(warningThreshold(new Date(now.getTime() + 1), now)).toBe(1);
    expect(warningThreshold(now, now)).toBe(0);
  });

  it('gives a required change a week, from the request or else from the reset', () => {
    expect(changeDeadline({ ...base, must_change_password: false })).toBeNull();
    expect(changeDeadline({ ...base, must_change_password: true, password_changed_at: ago(3) })?.getTime()).toBe(
      ago(3).getTime() + 7 * DAY,
    );
    expect(
      changeDeadline({
        ...base,
        must_change_password: true,
        password_changed_at: ago(100),
        password_change_requested_at: ago(1),
      })?.getTime(),
    ).toBe(ago(1).getTime() + 7 * DAY);
  });
});

describe('the break-glass seal', () => {
  it('is sealed when printed and not used since; used once used; a new sheet seals it again', () => {
    expect(breakGlassSealed(null, null)).toBe(false);
    expect(breakGlassSealed(ago(5), null)).toBe(true);
    expect(breakGlassSealed(ago(5), ago(1))).toBe(false);
    expect(breakGlassSealed(ago(1), ago(5))).toBe(true);
    expect(breakGlassState({ sealed_at: ago(5), break_glass_used_at: ago(5) })).toBe('used');
    expect(breakGlassState({ sealed_at: null, break_glass_used_at: null })).toBe('unsealed');
  });
});

describe('where an account stands', () => {
  it('ok, attention and overdue at their edges', () => {
    expect(accountStanding({ ...base, password_changed_at: ago(165) }, now, 180)).toEqual({ status: 'ok', reasons: [] });
    expect(accountStanding({ ...base, password_changed_at: ago(166) }, now, 180)).toEqual({
      status: 'attention',
      reasons: ['password_due_soon'],
    });
    expect(accountStanding({ ...base, password_changed_at: ago(180) }, now, 180)).toEqual({
      status: 'overdue',
      reasons: ['password_overdue'],
    });
    expect(accountStanding({ ...base, account_kind: 'personal', password_changed_at: ago(900) }, now, 180).status).toBe('ok');
    const pending = { ...base, account_kind: 'personal' as const, must_change_password: true, password_change_requested_at: ago(6) };
    expect(accountStanding(pending, now, 180)).toEqual({ status: 'attention', reasons: ['change_pending'] });
    expect(accountStanding({ ...pending, password_change_requested_at: ago(7) }, now, 180)).toEqual({
      status: 'overdue',
      reasons: ['change_overdue'],
    });
  });

  it('a used break-glass sheet needs attention at once and is overdue after a week', () => {
    const bg = { ...base, account_kind: 'break_glass' as const, sealed_at: ago(20), password_changed_at: ago(20) };
    expect(accountStanding(bg, now, 180)).toEqual({ status: 'ok', reasons: [] });
    expect(accountStanding({ ...bg, break_glass_used_at: ago(6) }, now, 180)).toEqual({
      status: 'attention',
      reasons: ['break_glass_used'],
    });
    expect(accountStanding({ ...bg, break_glass_used_at: ago(7) }, now, 180).status).toBe('overdue');
  });
});

describe('the sheet password', () => {
  it('is six groups of four unambiguous characters, each byte value equally likely', () => {
    const p = sheetPassword(new Uint8Array(48).map((_, i) => i * 5));
    expect(p).toMatch(/^([a-hj-km-np-z2-9]{4}-){5}[a-hj-km-np-z2-9]{4}$/);
    // Bytes from 248 up are skipped (8 × 31 = 248 keeps the characters uniform); too few usable bytes give null.
    expect(sheetPassword(new Uint8Array(48).fill(250))).toBeNull();
    expect(sheetPassword(new Uint8Array(24).fill(0))).toBe('aaaa-aaaa-aaaa-aaaa-aaaa-aaaa');
  });
});
