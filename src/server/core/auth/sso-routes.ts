import { z } from 'zod';
import { EmptyBody, IdParam } from '../../../contracts/account.js';
import { SsoConfigBody, SsoConfigView, SsoModeBody } from '../../../contracts/admin.js';
import { AppError } from '../errors.js';
import { type App, sessionOf, setSessionCookie } from '../http.js';
import { actorOf } from './actor.js';
import type { AuthDeps } from './service.js';
import { getSsoConfig, markSsoReviewed, putSsoConfig, setSsoMode } from './sso-config.js';
import { finishSso, startSso } from './sso.js';

const NoContent = { 204: z.null() };

/** Single sign-on (OpenID Connect, authorisation code + PKCE) and its administration. */
export function ssoRoutes(app: App, d: AuthDeps): void {
  app.get(
    '/api/sso/start',
    {
      config: { public: true },
      schema: {
        querystring: z.strictObject({
          school: z
            .string()
            .trim()
            .regex(/^[0-9A-Za-z-]{3,20}$/)
            .optional(),
        }),
      },
    },
    async (req, reply) => reply.redirect(await startSso(d, req.query.school), 302),
  );
  app.get(
    '/api/sso/callback',
    { config: { public: true }, schema: { querystring: z.record(z.string().max(64), z.string().max(4096)) } },
    async (req, reply) => {
      try {
        const { token } = await finishSso(d, req.query, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
        setSessionCookie(req, reply, token, d.config.COOKIE_SECURE);
        return reply.redirect('/', 302);
      } catch (err) {
        // Back to the sign-in page with a code the web translates; details stay in the audit log.
        const code = err instanceof AppError ? err.code : 'sso_failed';
        if (!(err instanceof AppError)) req.log.error({ err }, 'single sign-on failed');
        return reply.redirect(`/login?sso_error=${code}`, 302);
      }
    },
  );
  app.post(
    '/api/account/sso/link',
    { config: { self: true }, schema: { body: EmptyBody, response: { 200: z.strictObject({ url: z.string() }) } } },
    async (req) => {
      const s = sessionOf(req);
      return { url: await startSso(d, undefined, { schoolId: s.schoolId, userId: s.userId }) };
    },
  );
  app.get('/api/admin/sso', { config: { permission: 'sso.manage' }, schema: { response: { 200: SsoConfigView } } }, async (req) =>
    getSsoConfig(d, sessionOf(req).schoolId),
  );
  app.put(
    '/api/admin/sso',
    { config: { permission: 'sso.manage' }, schema: { body: SsoConfigBody, response: NoContent } },
    async (req, reply) => {
      await putSsoConfig(d, actorOf(req), req.body);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/admin/sso/reviewed',
    { config: { permission: 'sso.manage' }, schema: { body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await markSsoReviewed(d, actorOf(req));
      return reply.code(204).send(null);
    },
  );
  app.put(
    '/api/admin/users/:id/sso',
    { config: { permission: 'users.manage' }, schema: { params: IdParam, body: SsoModeBody, response: NoContent } },
    async (req, reply) => {
      await setSsoMode(d, actorOf(req), req.params.id, req.body.mode);
      return reply.code(204).send(null);
    },
  );
}
