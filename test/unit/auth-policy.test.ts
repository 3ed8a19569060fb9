import { describe, expect, it } from 'vitest';
import type { SessionStage } from '../../src/contracts/auth.js';
import {
  SSO_CLOCK_SKEW_MS,
  completesSignIn,
  iatRefused,
  providerConfirmedMfa,
  ssoStage,
  firstStage,
  mayChangePassword,
  rateLimitWait,
  rateWindowStart,
  stageAfter,
  stageAfterEnrolment,
  stageAfterPasswordChange,
  stageAfterRightsChange,
  ssoRefusal,
  stageRefusal,
} from '../../src/server/core/auth/policy.js';
import { permissionSets } from '../../src/server/core/auth/sessions.js';

const flags = (enrolled: boolean, mustChange: boolean, mfaRequired: boolean) => ({ enrolled, mustChange, mfaRequired });
const STAGES: SessionStage[] = ['mfa', 'enrol', 'password', 'done'];

describe('sign-in steps', () => {
  it('after the password: MFA when enrolled, else a required password change, else enrolment when MFA is required', () => {
    expect(firstStage(flags(true, true, true))).toBe('mfa');
    expect(firstStage(flags(true, false, false))).toBe('mfa');
    expect(firstStage(flags(false, true, true))).toBe('password');
    expect(firstStage(flags(false, false, true))).toBe('enrol');
    expect(firstStage(flags(false, false, false))).toBe('done');
  });
  it('after MFA: a required password change, else done', () => {
    expect(stageAfter('mfa', flags(true, true, true))).toBe('password');
    expect(stageAfter('mfa', flags(true, false, true))).toBe('done');
  });
  it('after the password change: enrolment only for someone not enrolled who must use MFA', () => {
    expect(stageAfter('password', flags(false, false, true))).toBe('enrol');
    expect(stageAfter('password', flags(true, false, true))).toBe('done');
    expect(stageAfter('password', flags(false, false, false))).toBe('done');
    expect(stageAfter('enrol', flags(false, false, true))).toBe('done');
  });
  it('confirming an authenticator completes the enrolment step and leaves other stages alone', () => {
    expect(stageAfterEnrolment('enrol')).toBe('done');
    expect(stageAfterEnrolment('done')).toBe('done');
    expect(stageAfterEnrolment('password')).toBe('password');
  });
  it('a password change moves on from the password step only', () => {
    expect(stageAfterPasswordChange('password', { enrolled: false, mfaRequired: true })).toBe('enrol');
    expect(stageAfterPasswordChange('password', { enrolled: true, mfaRequired: true })).toBe('done');
    expect(stageAfterPasswordChange('done', { enrolled: false, mfaRequired: true })).toBe('done');
  });
  it('new rights that require MFA send a signed-in person without an authenticator to enrolment', () => {
    expect(stageAfterRightsChange('done', { enrolled: false, mfaRequired: true })).toBe('enrol');
    expect(stageAfterRightsChange('done', { enrolled: true, mfaRequired: true })).toBe('done');
    expect(stageAfterRightsChange('done', { enrolled: false, mfaRequired: false })).toBe('done');
    expect(stageAfterRightsChange('mfa', { enrolled: false, mfaRequired: true })).toBe('mfa');
  });
  it('sign-in completes when a step reaches done from anything else', () => {
    expect(completesSignIn(null, 'done')).toBe(true);
    expect(completesSignIn('enrol', 'done')).toBe(true);
    expect(completesSignIn('done', 'done')).toBe(false);
    expect(completesSignIn('mfa', 'password')).toBe(false);
  });
  it('a password alone (stage mfa) or a pending enrolment is not enough to change the password', () => {
    expect(STAGES.filter(mayChangePassword)).toEqual(['password', 'done']);
  });
});

describe('stage guard', () => {
  it('lets a fully signed-in person through any route', () => {
    expect(stageRefusal('done', {})).toBe(null);
  });
  it('serves someone still signing in only on self routes that list their stage', () => {
    expect(stageRefusal('mfa', { self: true, partial: ['mfa'] })).toBe(null);
    expect(stageRefusal('enrol', { self: true, partial: true })).toBe(null);
    expect(stageRefusal('enrol', { self: true, partial: ['mfa'] })).toBe('mfa_enrolment_required');
    expect(stageRefusal('mfa', { self: true })).toBe('mfa_required');
    expect(stageRefusal('password', {})).toBe('password_change_required');
    expect(stageRefusal('mfa', { partial: true })).toBe('mfa_required');
  });
});

describe('sign-in rate limit', () => {
  const now = new Date('2026-11-02T08:30:45.500Z');
  const window = rateWindowStart(now);
  it('counts per clock minute', () => {
    expect(window.toISOString()).toBe('2026-11-02T08:30:00.000Z');
    expect(rateWindowStart(window)).toEqual(window);
  });
  it('refuses only above the limit, until the minute ends', () => {
    expect(rateLimitWait(10, 10, window, now)).toBe(0);
    expect(rateLimitWait(11, 10, window, now)).toBe(15);
    expect(rateLimitWait(11, 10, window, new Date(window.getTime() + 59_999))).toBe(1);
    expect(rateLimitWait(11, 10, window, window)).toBe(60);
  });
});

describe('single sign-on', () => {
  it('signs in only an active person who is not limited to a password', () => {
    const personal = { accountKind: 'personal' };
    expect(ssoRefusal({ status: 'active', ssoMode: 'allowed', ...personal })).toBe(null);
    expect(ssoRefusal({ status: 'active', ssoMode: 'required', ...personal })).toBe(null);
    expect(ssoRefusal({ status: 'active', ssoMode: 'allowed', accountKind: 'shared' })).toBe(null);
    expect(ssoRefusal({ status: 'active', ssoMode: 'local', ...personal })).toBe('account active/local');
    expect(ssoRefusal({ status: 'disabled', ssoMode: 'allowed', ...personal })).toBe('account disabled/allowed');
    expect(ssoRefusal(undefined)).toBe('no linked account');
  });
  it('never signs in the sealed break-glass account, whatever its mode (its sheet is its one way in)', () => {
    for (const ssoMode of ['allowed', 'required'])
      expect(ssoRefusal({ status: 'active', ssoMode, accountKind: 'break_glass' })).toBe('break-glass account');
  });
});

describe('rights of a session', () => {
  it('a permission held for the whole school through any role is not limited to own classes', () => {
    const { permissions, ownClassesOnly } = permissionSets([
      'students.read:own_classes',
      'students.read:school',
      'marks.write:own_classes',
    ]);
    expect([...permissions].sort()).toEqual(['marks.write', 'students.read']);
    expect([...ownClassesOnly]).toEqual(['marks.write']);
    expect(permissionSets([]).permissions.size).toBe(0);
  });
});

describe('single sign-on', () => {
  it('a security role passes the local second factor after the provider (or enrols first); others are done', () => {
    expect(ssoStage({ enrolled: false, mfaRequired: true })).toBe('enrol');
    expect(ssoStage({ enrolled: true, mfaRequired: true })).toBe('mfa');
    expect(ssoStage({ enrolled: false, mfaRequired: false })).toBe('done');
    expect(ssoStage({ enrolled: true, mfaRequired: false })).toBe('done');
  });

  it('a second factor the provider confirmed (as the school accepts) completes a security role, enrolled or not', () => {
    expect(ssoStage({ enrolled: false, mfaRequired: true }, true)).toBe('done');
    expect(ssoStage({ enrolled: true, mfaRequired: true }, true)).toBe('done');
    expect(ssoStage({ enrolled: true, mfaRequired: true }, false)).toBe('mfa');
    expect(ssoStage({ enrolled: false, mfaRequired: false }, false)).toBe('done');
  });

  it('the provider confirms a second factor only when the school accepts it and amr or acr names a listed value', () => {
    const on = { enabled: true, amr: ['otp', 'hwk'], acr: ['urn:school:mfa'] };
    expect(providerConfirmedMfa(on, { amr: ['pwd', 'otp'] })).toBe(true);
    expect(providerConfirmedMfa(on, { amr: ['hwk'] })).toBe(true);
    expect(providerConfirmedMfa(on, { acr: 'urn:school:mfa' })).toBe(true);
    expect(providerConfirmedMfa(on, { amr: ['pwd'], acr: 'urn:school:mfa' })).toBe(true);
    // Off: never, whatever the token says.
    expect(providerConfirmedMfa({ ...on, enabled: false }, { amr: ['otp'], acr: 'urn:school:mfa' })).toBe(false);
    // Missing, insufficient or malformed claims.
    expect(providerConfirmedMfa(on, {})).toBe(false);
    expect(providerConfirmedMfa(on, { amr: ['pwd'] })).toBe(false);
    expect(providerConfirmedMfa(on, { amr: [] })).toBe(false);
    expect(providerConfirmedMfa(on, { amr: 'otp' })).toBe(false);
    expect(providerConfirmedMfa(on, { amr: [['otp']], acr: ['urn:school:mfa'] })).toBe(false);
    expect(providerConfirmedMfa(on, { amr: ['OTP', 'otp '] })).toBe(false);
    expect(providerConfirmedMfa(on, { acr: 'urn:school:pwd' })).toBe(false);
    expect(providerConfirmedMfa(on, { acr: 'otp' })).toBe(false);
    expect(providerConfirmedMfa(on, { amr: null, acr: null })).toBe(false);
    // An amr value is not an acr class, nor the other way round.
    expect(providerConfirmedMfa({ enabled: true, amr: [], acr: ['otp'] }, { amr: ['otp'] })).toBe(false);
    expect(providerConfirmedMfa({ enabled: true, amr: ['urn:school:mfa'], acr: [] }, { acr: 'urn:school:mfa' })).toBe(false);
  });

  it('refuses an ID token issued beyond the skew ahead of now, or without a numeric iat', () => {
    const now = new Date('2026-11-02T01:00:00Z');
    const at = (ms: number) => (now.getTime() + ms) / 1000;
    expect(iatRefused(at(0), now)).toBe(false);
    expect(iatRefused(at(-3_600_000), now)).toBe(false);
    expect(iatRefused(at(SSO_CLOCK_SKEW_MS), now)).toBe(false);
    expect(iatRefused(at(SSO_CLOCK_SKEW_MS + 1000), now)).toBe(true);
    for (const bad of [undefined, null, '1700000000', Number.NaN, Number.POSITIVE_INFINITY]) expect(iatRefused(bad, now)).toBe(true);
  });
});
