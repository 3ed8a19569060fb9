import { isIPv4, isIPv6 } from 'node:net';

/** Failures counted over this window. */
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
/** Failures from one address that pause sign-in to an account from that address. */
export const LOCKOUT_THRESHOLD = 10;
/**
 * Failures from all unfamiliar addresses together that pause sign-in to an account from any
 * unfamiliar address (a guess spread over many addresses); familiar addresses keep working.
 */
export const UNFAMILIAR_THRESHOLD = 30;
/** An address the person completed a sign-in from within this time is familiar. */
export const FAMILIAR_FOR_MS = 90 * 24 * 3600_000;
const BASE_MS = 60_000;
const MAX_MS = 15 * 60_000;

/**
 * How long sign-in stays paused after `failures` failures within the window: none below the
 * threshold; from it, 1 minute, doubling with each further failure, at most 15 minutes.
 */
export function lockoutDuration(failures: number, threshold: number = LOCKOUT_THRESHOLD): number {
  if (failures < threshold) return 0;
  return Math.min(BASE_MS * 2 ** (failures - threshold), MAX_MS);
}

/** Whole seconds a lock until `lockedUntil` still holds at `now` (rounded up); 0 when it does not. */
export function lockedSeconds(lockedUntil: Date | null, now: Date): number {
  return lockedUntil && lockedUntil > now ? Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000) : 0;
}

/** Until when `failures` failures, the last at `lastAt`, pause sign-in; null when they do not. */
export function lockedUntil(failures: number, lastAt: Date | null, threshold: number = LOCKOUT_THRESHOLD): Date | null {
  const ms = lockoutDuration(failures, threshold);
  return ms && lastAt ? new Date(lastAt.getTime() + ms) : null;
}

/** Whether an address last signed in from at `lastSuccessAt` is familiar at `now`. */
export function isFamiliar(lastSuccessAt: Date | null, now: Date): boolean {
  return !!lastSuccessAt && lastSuccessAt <= now && now.getTime() - lastSuccessAt.getTime() < FAMILIAR_FOR_MS;
}

/** Failures within the window for one account, as sign-in counts them. */
export interface FailureCounts {
  /** From this address. */
  fromSource: number;
  lastFromSource: Date | null;
  /** From every address that was unfamiliar when it failed. */
  unfamiliar: number;
  lastUnfamiliar: Date | null;
}

/**
 * Seconds sign-in to an account stays paused for a request from an address: its own failures pause
 * it, and an unfamiliar address is also paused by failures spread over unfamiliar addresses.
 */
export function pausedSeconds(c: FailureCounts, familiar: boolean, now: Date): number {
  const own = lockedSeconds(lockedUntil(c.fromSource, c.lastFromSource), now);
  const spread = familiar ? 0 : lockedSeconds(lockedUntil(c.unfamiliar, c.lastUnfamiliar, UNFAMILIAR_THRESHOLD), now);
  return Math.max(own, spread);
}

/**
 * Which pause the failure just counted begins, so people are told once per pause (the further
 * failures that lengthen it tell nobody): `unfamiliar` when unfamiliar addresses together reached
 * their threshold, `source` when this address reached its own, null when none begins.
 */
export function pauseBegun(c: Pick<FailureCounts, 'fromSource' | 'unfamiliar'>, familiar: boolean): 'source' | 'unfamiliar' | null {
  if (!familiar && c.unfamiliar === UNFAMILIAR_THRESHOLD) return 'unfamiliar';
  return c.fromSource === LOCKOUT_THRESHOLD ? 'source' : null;
}

/**
 * The address failures are counted under: an IPv4 address (also when written as IPv4-mapped IPv6)
 * as it is, an IPv6 address by its /64 network (one device commonly holds a whole /64).
 */
export function sourceOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return ip.slice(0, 64);
  const address = ip.toLowerCase().replace(/%.*$/, '');
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  if (right.some((p) => p.includes('.')) || left.some((p) => p.includes('.'))) return address;
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
