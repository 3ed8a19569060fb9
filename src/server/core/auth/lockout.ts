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
