import type { KeyObject } from 'node:crypto';
import type { Clock } from '../clock.js';

/** A school key a person unlocked: its private halves and the entropy behind them (for recovery shares). */
export interface UnlockedKey {
  schoolId: string;
  fingerprint: string;
  box: KeyObject;
  sign: KeyObject;
  entropy: Uint8Array;
}

interface Held extends UnlockedKey {
  until: number;
}

/**
 * The school key kept unlocked for one session for a short while (issue 14 item 9), so a person who
 * has just typed the 24 words is not asked again for the next protected step. Memory only, in this
 * process: never written anywhere, gone when the process stops. Ends when the window runs out, at
 * sign-out or when the session ends (the session store tells every process), and for every session
 * of a school when its key changes. Another process serving the same session asks for the words.
 */
export class KeyWindow {
  private held = new Map<string, Held>();

  constructor(
    private readonly clock: Clock,
    /** 0 turns the window off: every protected step asks for the words. */
    readonly windowMs: number,
  ) {}

  /** Keep a key unlocked for the session (by its token hash); returns until when, or null when the window is off. */
  hold(session: Buffer, key: UnlockedKey): Date | null {
    this.sweep();
    if (this.windowMs <= 0) return null;
    const until = this.clock.now().getTime() + this.windowMs;
    this.drop(session);
    this.held.set(session.toString('base64url'), { ...key, entropy: Uint8Array.from(key.entropy), until });
    return new Date(until);
  }

  /** The session's unlocked key for its school, while the window lasts. */
  get(session: Buffer, schoolId: string): UnlockedKey | null {
    const k = session.toString('base64url');
    const h = this.held.get(k);
    if (!h) return null;
    if (h.until <= this.clock.now().getTime() || h.schoolId !== schoolId) {
      this.forgetKey(k);
      return null;
    }
    return h;
  }

  /** Until when the session's key stays unlocked (null: locked). */
  until(session: Buffer, schoolId: string): Date | null {
    const h = this.get(session, schoolId);
    return h ? new Date((h as Held).until) : null;
  }

  /** End one session's window (sign-out, session end, lock by hand). */
  drop(session: Buffer | string): void {
    this.forgetKey(typeof session === 'string' ? session : session.toString('base64url'));
  }

  /** End every window of a school (its key changed). */
  dropSchool(schoolId: string): void {
    for (const [k, h] of this.held) if (h.schoolId === schoolId) this.forgetKey(k);
  }

  clear(): void {
    for (const k of [...this.held.keys()]) this.forgetKey(k);
  }

  get size(): number {
    return this.held.size;
  }

  private forgetKey(k: string): void {
    const h = this.held.get(k);
    if (!h) return;
    h.entropy.fill(0);
    this.held.delete(k);
  }

  private sweep(): void {
    const now = this.clock.now().getTime();
    for (const [k, h] of this.held) if (h.until <= now) this.forgetKey(k);
  }
}
