import { describe, expect, it } from 'vitest';
import {
  acceptanceValid,
  compareVersions,
  endOfHongKongDay,
  missedSecurityRelease,
  routineDue,
  routineState,
  securityReviewState,
} from '../../src/server/modules/security/findings/policy.js';
import { INTERNET, zoneOf } from '../../src/server/modules/security/findings/checks/signins.js';

const DAY = 86_400_000;
const now = new Date('2026-11-30T04:00:00Z');

describe('versions', () => {
  it('compares part by part as numbers, a pre-release below its release', () => {
    expect(compareVersions('1.10.0', '1.9.2')).toBe(1);
    expect(compareVersions('v0.1.0', '0.1')).toBe(0);
    expect(compareVersions('0.2.0-rc.1', '0.2.0')).toBe(-1);
    expect(compareVersions('0.2.0', '0.2.0-rc.1')).toBe(1);
    expect(compareVersions('0.1.9', '0.2.0')).toBe(-1);
  });

  it('a newer security release is medium within 14 days of publication and high after', () => {
    const rel = (date: string, security = true, version = '0.2.0') => [{ version, date, security }];
    expect(missedSecurityRelease('0.1.0', rel('2026-11-20'), now)?.severity).toBe('medium');
    expect(missedSecurityRelease('0.1.0', rel('2026-11-15'), now)?.severity).toBe('high');
    expect(missedSecurityRelease('0.1.0', rel('2026-11-01', false), now)).toBeNull();
    expect(missedSecurityRelease('0.2.0', rel('2026-11-01'), now)).toBeNull();
    expect(missedSecurityRelease('0.3.0', rel('2026-11-01'), now)).toBeNull();
    // Two missed: the oldest decides (it has been waiting longest).
    const two = [...rel('2026-11-25', true, '0.3.0'), ...rel('2026-11-01', true, '0.2.0')];
    expect(missedSecurityRelease('0.1.0', two, now)).toMatchObject({ severity: 'high', release: { version: '0.2.0' } });
  });
});

describe('acceptance', () => {
  it('holds through the whole last day, which must be after now and within a year', () => {
    expect(endOfHongKongDay('2026-11-30').toISOString()).toBe('2026-11-30T15:59:59.999Z');
    expect(acceptanceValid(endOfHongKongDay('2026-11-29'), now)).toBe(false);
    expect(acceptanceValid(endOfHongKongDay('2026-11-30'), now)).toBe(true);
    expect(acceptanceValid(endOfHongKongDay('2027-11-30'), now)).toBe(true);
    expect(acceptanceValid(endOfHongKongDay('2027-12-02'), now)).toBe(false);
  });
});

describe('the routine', () => {
  it('falls due one period after it was last done, from its creation if never', () => {
    const created = new Date('2026-01-31T00:00:00Z');
    expect(routineDue('weekly', null, created)).toEqual(created);
    expect(routineDue('daily', created, created).getTime()).toBe(created.getTime() + DAY);
    expect(routineDue('monthly', created, created).toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(routineDue('yearly', created, created).toISOString()).toBe('2027-01-31T00:00:00.000Z');
  });

  it('is done before it is due, due within its grace, late after', () => {
    const due = new Date('2026-11-30T00:00:00Z');
    expect(routineState('daily', due, new Date(due.getTime() - 1))).toBe('done');
    expect(routineState('daily', due, new Date(due.getTime() + DAY))).toBe('due');
    expect(routineState('daily', due, new Date(due.getTime() + DAY + 1))).toBe('late');
    expect(routineState('monthly', due, new Date(due.getTime() + 7 * DAY + 1))).toBe('late');
    expect(routineState('yearly', due, new Date(due.getTime() + 29 * DAY))).toBe('due');
  });
});

describe('memo.S2.security-review', () => {
  const fine = { lastRun: now, unreviewed: 0, highStale: 0, lateTasks: 0 };
  it('is ok only when everything is', () => {
    expect(securityReviewState(fine)).toEqual({ status: 'ok', summaryKey: 'checks.securityReview.ok' });
  });
  it('worst first: a high finding left open, then never run, unreviewed, a late routine', () => {
    expect(securityReviewState({ ...fine, highStale: 1, unreviewed: 3, lateTasks: 2 }).status).toBe('overdue');
    expect(securityReviewState({ ...fine, lastRun: null, unreviewed: 3 }).summaryKey).toBe('checks.securityReview.neverRun');
    expect(securityReviewState({ ...fine, unreviewed: 1, lateTasks: 1 }).summaryKey).toBe('checks.securityReview.unreviewed');
    expect(securityReviewState({ ...fine, lateTasks: 1 })).toEqual({
      status: 'attention',
      summaryKey: 'checks.securityReview.routineLate',
    });
  });
});

describe('zones', () => {
  it('an address falls in the school zone whose range holds it, else the Internet', async () => {
    const ipaddr = (await import('ipaddr.js')).default;
    const zones = [{ id: 'campus', ranges: [ipaddr.parseCIDR('192.168.0.0/16')] }];
    expect(zoneOf(zones, '192.168.3.4')).toBe('campus');
    expect(zoneOf(zones, '::ffff:192.168.3.4')).toBe('campus');
    expect(zoneOf(zones, '203.0.113.1')).toBe(INTERNET);
    expect(zoneOf(zones, 'not an address')).toBe(INTERNET);
  });
});
