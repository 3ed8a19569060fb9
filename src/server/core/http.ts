import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { PermissionKey } from '../../contracts/permissions.js';
import type { Session } from './auth/sessions.js';
import { AppError } from './errors.js';

/**
 * How a route says who may call it (DESIGN rule 1). Exactly one of:
 * - `permission`: a catalogue permission, fully signed in;
 * - `self`: any fully signed-in person, acting on their own records only;
 * - `public: true`: no session needed.
 * `partial` additionally lets a person who is still signing in (MFA, enrolment, password change)
 * call a `self` route: in the listed stages, or in any stage with `true`.
 */
export interface RouteAccess {
  permission?: PermissionKey;
  self?: true;
  public?: true;
  /** Sign-in stages (besides `done`) in which a `self` route may be called; `true` = any. */
  partial?: true | ('mfa' | 'enrol' | 'password')[];
}

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs the interface form
  interface FastifyContextConfig extends RouteAccess {}
  interface FastifyRequest {
    session: Session | null;
  }
}

export type App = FastifyInstance<any, any, any, any, ZodTypeProvider>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The signed-in person, or 401 (for handlers of `self`/`permission` routes the guard has already checked). */
export function sessionOf(req: FastifyRequest): Session {
  if (!req.session) throw new AppError('unauthenticated');
  return req.session;
}

export const SESSION_COOKIE = 'sid';

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, secureSetting: 'auto' | 'true' | 'false'): void {
  const secure = secureSetting === 'auto' ? req.protocol === 'https' : secureSetting === 'true';
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
