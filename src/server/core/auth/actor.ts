import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { Session } from './sessions.js';

/** A signed-in person acting through a request: their session and the address they came from. */
export type Actor = Session & { ip: string };

/**
 * The scheduler acting on a school's behalf (a recurring campaign, an escalation). Audited as the
 * system, never as whoever last did something by hand.
 */
export interface SystemActor {
  kind: 'system';
  schoolId: string;
  /** The job that acted, e.g. `access_reviews.recur`. */
  job: string;
}

export const systemActor = (schoolId: string, job: string): SystemActor => ({ kind: 'system', schoolId, job });

const isSystem = (a: Actor | SystemActor): a is SystemActor => 'kind' in a && a.kind === 'system';

/** The signed-in person of a `self`/`permission` route (the guard has already checked there is one). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.session) throw new AppError('unauthenticated');
  return { ...req.session, ip: req.ip };
}

/** Who acted and from where, as the audit helper records it. */
export function who(a: Actor | SystemActor): { schoolId: string; actorId: string | null; actorName: string; ip: string | null } {
  if (isSystem(a)) return { schoolId: a.schoolId, actorId: null, actorName: `system:${a.job}`, ip: null };
  return { schoolId: a.schoolId, actorId: a.userId, actorName: a.username, ip: a.ip };
}
