import type { SessionStage } from '../../../contracts/auth.js';
import type { ErrorCode } from '../../../contracts/errors.js';
import type { RouteAccess } from '../http.js';

/** What decides the steps of a person's sign-in. */
export interface SignInFlags {
  /** Has an authenticator app enrolled. */
  enrolled: boolean;
  /** Was asked to change their password. */
  mustChange: boolean;
  /** Holds a security permission, so must use MFA. */
  mfaRequired: boolean;
}

/** Where a person goes after the password step. */
export function firstStage(u: SignInFlags): SessionStage {
  if (u.enrolled) return 'mfa';
  if (u.mustChange) return 'password';
  return u.mfaRequired ? 'enrol' : 'done';
}

/** Where a person goes after completing the step `done`. */
export function stageAfter(done: SessionStage, u: SignInFlags): SessionStage {
  if (done === 'mfa') return u.mustChange ? 'password' : 'done';
  if (done === 'password') return !u.enrolled && u.mfaRequired ? 'enrol' : 'done';
  return 'done';
}

/** After confirming an authenticator: enrolling was the last step of sign-in; anyone else stays where they were. */
export function stageAfterEnrolment(current: SessionStage): SessionStage {
  return current === 'enrol' ? 'done' : current;
}

/** After a password change: the password step is complete; anyone else stays where they were. */
export function stageAfterPasswordChange(current: SessionStage, u: Omit<SignInFlags, 'mustChange'>): SessionStage {
  return current === 'password' ? stageAfter('password', { ...u, mustChange: false }) : current;
}

/** Rights changed: someone signed in who now holds a security permission must enrol MFA first. */
export function stageAfterRightsChange(current: SessionStage, u: Omit<SignInFlags, 'mustChange'>): SessionStage {
  return current === 'done' && u.mfaRequired && !u.enrolled ? 'enrol' : current;
}

/** Whether moving from `before` to `after` completes a sign-in (when the last sign-in time is recorded). */
export function completesSignIn(before: SessionStage | null, after: SessionStage): boolean {
  return after === 'done' && before !== 'done';
}

/**
 * Only someone fully signed in, or asked to change it, may change the password: a password alone
 * (stage `mfa`) must not be enough to lock the owner out.
 */
export function mayChangePassword(stage: SessionStage): boolean {
  return stage === 'done' || stage === 'password';
}

const STAGE_ERROR: Record<Exclude<SessionStage, 'done'>, ErrorCode> = {
  mfa: 'mfa_required',
  enrol: 'mfa_enrolment_required',
  password: 'password_change_required',
};

/**
 * Whether a person at `stage` of signing in may call a route: null when they may, else the error
 * that names the step still to do. Only `self` routes that list the stage (or `partial: true`) serve
 * someone still signing in.
 */
export function stageRefusal(stage: SessionStage, access: Pick<RouteAccess, 'self' | 'partial'>): ErrorCode | null {
  if (stage === 'done') return null;
  if (access.self && (access.partial === true || access.partial?.includes(stage))) return null;
  return STAGE_ERROR[stage];
}

/** Sign-in attempts are counted per address and clock minute. */
export const RATE_WINDOW_MS = 60_000;

export function rateWindowStart(now: Date): Date {
  return new Date(now.getTime() - (now.getTime() % RATE_WINDOW_MS));
}

/** Seconds to wait when `count` attempts in the window starting at `windowStart` pass `limit`; 0 within the limit. */
export function rateLimitWait(count: number, limit: number, windowStart: Date, now: Date): number {
  if (count <= limit) return 0;
  return Math.ceil((windowStart.getTime() + RATE_WINDOW_MS - now.getTime()) / 1000);
}

/**
 * Why a person found through single sign-on may not sign in with it (the reason the audit log
 * records), or null when they may: they must exist, be active, and not be limited to a password.
 * The sealed break-glass account never signs in through the provider: its one way in is its sheet,
 * spent at each use and alerted (memo S1); a provider link would let it in again unseen, without
 * the sheet and past a reseal.
 */
export function ssoRefusal(u: { status: string; ssoMode: string; accountKind: string } | undefined): string | null {
  if (!u) return 'no linked account';
  if (u.accountKind === 'break_glass') return 'break-glass account';
  if (u.status !== 'active' || u.ssoMode === 'local') return `account ${u.status}/${u.ssoMode}`;
  return null;
}

/** The school's choice to accept the provider's word for a second factor, and the claim values that say so. */
export interface ProviderMfaSetting {
  enabled: boolean;
  amr: readonly string[];
  acr: readonly string[];
}

/**
 * Whether the ID token says the person passed a second factor at the provider, as the school accepts:
 * the setting is on, and `amr` (an array of strings) contains one of the listed methods or `acr` (a
 * string) equals one of the listed classes. A missing, malformed or unlisted claim is not enough.
 */
export function providerConfirmedMfa(setting: ProviderMfaSetting, claims: { amr?: unknown; acr?: unknown }): boolean {
  if (!setting.enabled) return false;
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === 'string') : [];
  if (amr.some((m) => setting.amr.includes(m))) return true;
  return typeof claims.acr === 'string' && setting.acr.includes(claims.acr);
}

/**
 * Where a person goes after the provider vouched for them. Whoever holds a security permission
 * passes the local second factor (or enrols one first) exactly as after a password, unless the
 * provider confirmed a second factor in a way the school accepts (`providerConfirmedMfa`): signing in
 * at the provider alone is not a second factor here.
 */
export function ssoStage(u: Omit<SignInFlags, 'mustChange'>, providerMfa = false): SessionStage {
  if (!u.mfaRequired || providerMfa) return 'done';
  return u.enrolled ? 'mfa' : 'enrol';
}

/** How far ahead of our clock an ID token's `iat` may be (the provider's clock may run a little fast). */
export const SSO_CLOCK_SKEW_MS = 60_000;

/** Whether an ID token's `iat` (seconds) is refused: missing, not a number, or later than now plus the allowed skew. */
export function iatRefused(iat: unknown, now: Date): boolean {
  return typeof iat !== 'number' || !Number.isFinite(iat) || iat * 1000 > now.getTime() + SSO_CLOCK_SKEW_MS;
}

/**
 * Whether the break-glass account's sheet is still sealed (memo S1): printed (`sealedAt`) and not used
 * to sign in since. A used sheet signs nobody in again until a new one is printed.
 */
export function breakGlassSealed(sealedAt: Date | null, usedAt: Date | null): boolean {
  return !!sealedAt && (!usedAt || usedAt < sealedAt);
}
