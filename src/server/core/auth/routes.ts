import { z } from 'zod';
import {
  ChangePasswordBody,
  EmptyBody,
  LocaleBody,
  MfaEnrolConfirmBody,
  MfaEnrolStart,
  RecoveryCodes,
  RegenerateCodesBody,
  SessionList,
} from '../../../contracts/account.js';
import { IdParam } from '../../../contracts/account.js';
import { LoginBody, LoginResult, Me, MfaBody, SignInOptions } from '../../../contracts/auth.js';
import { subKey } from '../crypto/secrets.js';
import { type App, clearSessionCookie, sessionOf, setSessionCookie } from '../http.js';
import type { FastifyRequest } from 'fastify';
import { actorOf } from './actor.js';
import * as auth from './service.js';

// Kept here for modules/access, which imports them from this file; core/auth/service.ts offers them too.
export { endSession, listSessions } from './session-list.js';

const origin = (req: FastifyRequest): auth.Origin => ({ ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
const NoContent = { 204: z.null() };

/** Sign-in, MFA, sign-out and "my account". */
export function authRoutes(app: App, d: auth.AuthDeps): void {
  const secure = d.config.COOKIE_SECURE;
  const csrfKey = subKey(d.serverKey, 'csrf');

  app.post(
    '/api/auth/login',
    { config: { public: true }, schema: { body: LoginBody, response: { 200: LoginResult } } },
    async (req, reply) => {
      const r = await auth.login(d, req.body.username, req.body.password, req.body.school, origin(req));
      setSessionCookie(req, reply, r.token, secure);
      return { stage: r.stage };
    },
  );

  app.get('/api/auth/sign-in-options', { config: { public: true }, schema: { response: { 200: SignInOptions } } }, async () =>
    auth.signInOptions(d),
  );

  app.post(
    '/api/auth/mfa',
    { config: { self: true, partial: ['mfa'] }, schema: { body: MfaBody, response: { 200: LoginResult } } },
    async (req, reply) => {
      const r = await auth.verifyMfa(d, sessionOf(req), req.body.code, origin(req));
      setSessionCookie(req, reply, r.token, secure);
      return { stage: r.stage };
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { self: true, partial: true }, schema: { body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await auth.logout(d, sessionOf(req), origin(req));
      clearSessionCookie(reply);
      return reply.code(204).send(null);
    },
  );

  app.get('/api/auth/me', { config: { self: true, partial: true }, schema: { response: { 200: Me } } }, async (req) =>
    auth.getMe(d, sessionOf(req), csrfKey),
  );

  app.post(
    '/api/account/mfa/enrol/start',
    { config: { self: true, partial: ['enrol'] }, schema: { body: EmptyBody, response: { 200: MfaEnrolStart } } },
    async (req) => auth.startEnrolment(d, sessionOf(req), origin(req)),
  );

  app.post(
    '/api/account/mfa/enrol/confirm',
    { config: { self: true, partial: ['enrol'] }, schema: { body: MfaEnrolConfirmBody, response: { 200: RecoveryCodes } } },
    async (req, reply) => {
      const r = await auth.confirmEnrolment(d, sessionOf(req), req.body.code, origin(req));
      setSessionCookie(req, reply, r.token, secure);
      return { recoveryCodes: r.codes };
    },
  );

  app.post(
    '/api/account/mfa/recovery-codes',
    { config: { self: true }, schema: { body: RegenerateCodesBody, response: { 200: RecoveryCodes } } },
    async (req) => ({
      recoveryCodes: await auth.regenerateRecoveryCodes(d, sessionOf(req), req.body.code, origin(req)),
    }),
  );

  app.post(
    '/api/account/password',
    { config: { self: true, partial: ['password'] }, schema: { body: ChangePasswordBody, response: NoContent } },
    async (req, reply) => {
      const r = await auth.changePassword(d, sessionOf(req), req.body.currentPassword, req.body.newPassword, origin(req));
      setSessionCookie(req, reply, r.token, secure);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/account/locale',
    { config: { self: true, partial: true }, schema: { body: LocaleBody, response: NoContent } },
    async (req, reply) => {
      await auth.changeLocale(d, actorOf(req), req.body.locale);
      return reply.code(204).send(null);
    },
  );

  app.get('/api/account/sessions', { config: { self: true }, schema: { response: { 200: SessionList } } }, async (req) => {
    const s = sessionOf(req);
    return { sessions: await auth.listSessions(d, s.schoolId, s, s.userId) };
  });

  app.delete(
    '/api/account/sessions/:id',
    { config: { self: true }, schema: { params: IdParam, response: NoContent } },
    async (req, reply) => {
      const s = sessionOf(req);
      await auth.endSession(d, s, req.params.id, { ownOnly: true, ip: req.ip });
      return reply.code(204).send(null);
    },
  );
}
