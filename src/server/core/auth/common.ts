import type { Config } from '../../config.js';
import type { Clock } from '../clock.js';
import type { Database, Queryable } from '../db/types.js';
import { AppError } from '../errors.js';
import type { NetworkGate } from './network-gate.js';
import { hashPassword } from './password.js';
import { type SignInUserRow, findSignInUser } from './queries/users.js';
import type { SessionStore } from './sessions.js';

export interface AuthDeps {
  /** Network zones and time profiles (memo U2), when a module provides them. */
  network?: NetworkGate;
  db: Database;
  clock: Clock;
  config: Config;
  sessions: SessionStore;
  serverKey: Buffer;
  smtpConfigured: boolean;
}

/** Where a request came from. */
export interface Origin {
  ip: string;
  userAgent: string | null;
}

export const hashFor = (d: Pick<AuthDeps, 'config'>, password: string) =>
  hashPassword(password, { memoryCost: d.config.ARGON2_MEMORY_KIB });

/** The person behind a session; a session whose person is gone is no longer signed in. */
export async function signInUser(q: Queryable, userId: string): Promise<SignInUserRow> {
  const u = await findSignInUser(q, userId);
  if (!u) throw new AppError('unauthenticated');
  return u;
}

/**
 * Who acted, for the audit log, when a person has no session yet (a password step, a first
 * administrator): the session's `who()` does the same once there is one.
 */
export function signingIn(
  schoolId: string,
  u: { id: string; username: string },
  ip: string,
): { schoolId: string; actorId: string; actorName: string; ip: string } {
  return { schoolId, actorId: u.id, actorName: u.username, ip };
}
