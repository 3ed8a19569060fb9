import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SessionStage } from '../../../contracts/auth.js';
import { EmptyBody, IdParam } from '../../../contracts/account.js';
import { SsoConfigBody, SsoConfigView, SsoModeBody } from '../../../contracts/admin.js';
import { AppError } from '../errors.js';
import { type App, sessionOf, setSessionCookie } from '../http.js';
import { actorOf } from './actor.js';
import type { AuthDeps } from './service.js';
import { getSsoConfig, markSsoReviewed, putSsoConfig, setSsoMode } from './sso-config.js';
import { ATTEMPT_MS, finishSso, ssoOffered, startSso } from './sso.js';

const NoContent = { 204: z.null() };

const SchoolCode = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z-]{3,20}$/);
const LooseQuery = z.record(z.string(), z.unknown());

/** The cookie that binds a flow in flight to the browser that started it (see `stateFor`). */
const SSO_COOKIE = 'sso_flow';
const SSO_COOKIE_PATH = '/api/sso/callback';

function setBindingCookie(req: FastifyRequest, reply: FastifyReply, binding: string, secureSetting: 'auto' | 'true' | 'false'): void {
  const secure = secureSetting === 'auto' ? req.protocol === 'https' : secureSetting === 'true';
  reply.setCookie(SSO_COOKIE, binding, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: SSO_COOKIE_PATH,
    maxAge: ATTEMPT_MS / 1000,
  });
}

/** Where the web continues after the callback, by the stage of the new session. */
const STAGE_PATH: Record<SessionStage, string> = { done: '/', mfa: '/login/mfa', enrol: '/enrol-mfa', password: '/change-password' };

/** Back to the sign-in page with a code the web translates; the details stay in the audit log and the server log. */
function backToSignIn(req: FastifyRequest, reply: FastifyReply, err: unknown) {
  const code = err instanceof AppError && SSO_PAGE_CODES.has(err.code) ? err.code : 'sso_failed';
  if (!(err instanceof AppError)) req.log.error({ err }, 'single sign-on failed');
  return reply.redirect(`/login?sso_error=${code}`, 302);
}
const SSO_PAGE_CODES = new Set<string>(['sso_failed', 'sso_unavailable', 'sso_provider_unreachable', 'network_refused']);

/** Single sign-on (OpenID Connect, authorisation code + PKCE) and its administration. */
export function ssoRoutes(app: App, d: AuthDeps): void {
  app.get(
    '/api/sso/options',
    {
      config: { public: true },
      schema: {
        querystring: z.strictObject({ school: SchoolCode.optional() }),
        response: { 200: z.strictObject({ enabled: z.boolean() }) },
      },
    },
    async (req) => ({ enabled: await ssoOffered(d, req.query.school) }),
  );
  // Start and callback are opened by the browser itself: every problem goes back to the sign-in page
  // with a code it translates (`/login?sso_error=…`), never a JSON answer, so their query is checked here.
  app.get('/api/sso/start', { config: { public: true }, schema: { querystring: LooseQuery } }, async (req, reply) => {
    try {
      const school = req.query.school;
      if (school !== undefined && (typeof school !== 'string' || !SchoolCode.safeParse(school).success))
        throw new AppError('sso_unavailable');
      const { url, binding } = await startSso(d, typeof school === 'string' ? school.trim() : undefined);
      setBindingCookie(req, reply, binding, d.config.COOKIE_SECURE);
      return reply.redirect(url, 302);
    } catch (err) {
      return backToSignIn(req, reply, err);
    }
  });
  app.get('/api/sso/callback', { config: { public: true }, schema: { querystring: LooseQuery } }, async (req, reply) => {
    const binding = req.cookies[SSO_COOKIE];
    // The attempt is one use: the cookie goes whatever the outcome.
    reply.clearCookie(SSO_COOKIE, { path: SSO_COOKIE_PATH });
    try {
      const query: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.query)) {
        if (typeof v !== 'string' || k.length > 64 || v.length > 4096) throw new AppError('sso_failed');
        query[k] = v;
      }
      const { token, stage } = await finishSso(d, query, binding, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
      setSessionCookie(req, reply, token, d.config.COOKIE_SECURE);
      return reply.redirect(STAGE_PATH[stage], 302);
    } catch (err) {
      return backToSignIn(req, reply, err);
    }
  });
  app.post(
    '/api/account/sso/link',
    { config: { self: true }, schema: { body: EmptyBody, response: { 200: z.strictObject({ url: z.string() }) } } },
    async (req, reply) => {
      const s = sessionOf(req);
      const { url, binding } = await startSso(d, undefined, { schoolId: s.schoolId, userId: s.userId });
      setBindingCookie(req, reply, binding, d.config.COOKIE_SECURE);
      return { url };
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
