import type { z } from 'zod';
import type { KeyUnlockState } from '../../../../contracts/security-key.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { schoolKeyFor } from '../../exchange/service.js';
import { type KeyDeps, iso } from './common.js';

type State = z.infer<typeof KeyUnlockState>;

const stateOf = (d: KeyDeps, a: Actor): State => ({
  unlockedUntil: iso(d.keyWindow.until(a.tokenHash, a.schoolId)),
  windowMinutes: Math.round(d.keyWindow.windowMs / 60_000),
});

/** Whether this session holds the school key unlocked, and until when. */
export const unlockState = (d: KeyDeps, a: Actor): State => stateOf(d, a);

/**
 * Unlock the school key for this session's window. Wrong words are counted and refused as at the
 * inbox (rate limited per school, audited); the right ones are audited here with the window's end.
 */
export async function unlockSchoolKey(d: KeyDeps, a: Actor, words: string[]): Promise<State> {
  const keys = await schoolKeyFor(d, a, words);
  const state = stateOf(d, a);
  await d.db.schoolTx(a.schoolId, (q) =>
    audit(q, d.clock, {
      ...who(a),
      action: 'school_key.unlocked',
      target: `school:${a.schoolId}`,
      details: { fingerprint: keys.fingerprint, until: state.unlockedUntil },
    }),
  );
  return state;
}

/** End this session's window now ("lock"). */
export async function lockSchoolKey(d: KeyDeps, a: Actor): Promise<State> {
  const held = d.keyWindow.until(a.tokenHash, a.schoolId);
  d.keyWindow.drop(a.tokenHash);
  if (held)
    await d.db.schoolTx(a.schoolId, (q) => audit(q, d.clock, { ...who(a), action: 'school_key.locked', target: `school:${a.schoolId}` }));
  return stateOf(d, a);
}
