/** Failures counted over this window. */
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
export const LOCKOUT_THRESHOLD = 10;
const BASE_MS = 60_000;
const MAX_MS = 15 * 60_000;

/**
 * How long an account stays locked after `failures` failures within the window:
 * none below 10; from the 10th, 1 minute, doubling with each further failure, at most 15 minutes.
 */
export function lockoutDuration(failures: number): number {
  if (failures < LOCKOUT_THRESHOLD) return 0;
  return Math.min(BASE_MS * 2 ** (failures - LOCKOUT_THRESHOLD), MAX_MS);
}

/** Whole seconds an account locked until `lockedUntil` stays locked at `now` (rounded up); 0 when it is not locked. */
export function lockedSeconds(lockedUntil: Date | null, now: Date): number {
  return lockedUntil && lockedUntil > now ? Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000) : 0;
}
