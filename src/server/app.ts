import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyServerOptions } from 'fastify';
import {
  type ZodTypeProvider,
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { existsSync } from 'node:fs';
import { auditRoutes } from './core/audit/routes.js';
import { installGuard } from './core/auth/guard.js';
import { authRoutes } from './core/auth/routes.js';
import { ssoRoutes } from './core/auth/sso-routes.js';
import { type AuthDeps, networkRefused, rotateForRights } from './core/auth/service.js';
import { subKey } from './core/crypto/secrets.js';
import type { Deps } from './core/deps.js';
import { AppError, problem } from './core/errors.js';
import { bodyFault } from './core/json-body.js';
import { notifyRoutes } from './core/notify/routes.js';
import { setupRoutes } from './core/setup/routes.js';
import { accessRoutes } from './modules/access/routes.js';
import { NetworkPolicy } from './modules/access/service.js';
import { authorityRoutes, exchangeRoutes } from './modules/exchange/routes.js';
import { governanceRoutes } from './modules/governance/routes.js';
import { jobRoutes } from './modules/jobs/routes.js';
import { planningRoutes } from './modules/planning/routes.js';
import { importExportRoutes, schoolRoutes } from './modules/school/routes.js';
import { securityRoutes } from './modules/security/routes.js';
import { WEB_DIR } from './paths.js';

export const BODY_LIMIT = 1024 * 1024;

/** Infrastructure first (errors, guard, docs), then every module's routes, then the web bundle. */
export async function buildApp(deps: Deps, opts: { logger?: FastifyServerOptions['loggerInstance'] } = {}) {
  const app = Fastify({
    loggerInstance: opts.logger ?? deps.log,
    bodyLimit: BODY_LIMIT,
    trustProxy: deps.config.TRUST_PROXY,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const send = (p: ReturnType<typeof problem>) => {
      if (p.retryAfter) reply.header('retry-after', String(p.retryAfter));
      return reply.code(p.status).type('application/problem+json').send(p);
    };
    if (err instanceof AppError) return send(problem(err.code, err.extra));
    if (hasZodFastifySchemaValidationErrors(err)) {
      return send(
        problem('validation_failed', {
          errors: err.validation.map((v) => ({ path: `${err.validationContext ?? ''}${v.instancePath}`, code: v.keyword })),
        }),
      );
    }
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(problem('body_too_large'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(problem('unsupported_media_type'));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return send(problem('malformed_json'));
    }
    if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) return send(problem('malformed_json'));
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return send(problem('bad_request'));
    // Anything else is our fault: log it with the request, answer without details.
    req.log.error({ err }, 'request failed');
    return send(problem('internal'));
  });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || !existsSync(WEB_DIR + 'index.html')) {
      return reply.code(404).type('application/problem+json').send(problem('not_found'));
    }
    return reply.type('text/html').sendFile('index.html', WEB_DIR);
  });

  // A JSON body's depth and NULs are checked on its text in one linear pass before it is parsed, so
  // nothing recursive (validation, serialisation) ever sees a `[[[[…` body; its size is bodyLimit's.
  // PostgreSQL text cannot hold NUL: refuse it at the edge rather than fail in the database.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    // parseAs 'string' hands over a string; the parser's type allows a Buffer for parseAs 'buffer'.
    const text = String(body);
    const fault = bodyFault(text);
    if (fault) return done(new AppError(fault === 'too_deep' ? 'body_too_deep' : 'bad_request'), undefined);
    return parseJson(req, text, done);
  });
  app.addHook('preValidation', async (req) => {
    if (typeof req.body === 'string' && req.body.includes('\u0000')) throw new AppError('bad_request');
    if (req.url.includes('%00') || req.url.includes('\u0000')) throw new AppError('bad_request');
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: false,
    global: false,
  });
  // Pages get the full set of security headers (CSP …); JSON answers need only these two, and every
  // byte on the hot read path counts (bench/).
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/api/') && !req.url.startsWith('/api/docs')) {
      reply.header('x-content-type-options', 'nosniff').header('cache-control', 'no-store');
    } else {
      await reply.helmet();
    }
  });

  // Network zones and time profiles (memo U2): one policy cache per process, asked at sign-in and on every request.
  const networkPolicy = new NetworkPolicy(deps.db);
  await networkPolicy.start();
  const authDeps: AuthDeps = {
    db: deps.db,
    clock: deps.clock,
    config: deps.config,
    sessions: deps.sessions,
    serverKey: deps.serverKey,
    smtpConfigured: deps.mailer.configured,
    network: networkPolicy,
  };
  const guard = installGuard(
    app,
    {
      sessions: deps.sessions,
      clock: deps.clock,
      network: networkPolicy,
      async onNetworkRefused(req, s, rule) {
        await deps.sessions.revoke([s.tokenHash]);
        await networkRefused(authDeps, { schoolId: s.schoolId, userId: s.userId, username: s.username }, req.ip, rule, 'request');
      },
      csrfKey: subKey(deps.serverKey, 'csrf'),
      cookieSecure: deps.config.COOKIE_SECURE,
      rotate: (req, s) => rotateForRights(authDeps, s, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null }),
    },
    ['/api/docs'],
  );

  await app.register(swagger, {
    openapi: {
      info: { title: 'HK School Admin API', version: '0.1.0' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sid' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  app.get('/api/health', { config: { public: true } }, async () => ({ ok: true }));
  setupRoutes(app, authDeps);
  authRoutes(app, authDeps);
  ssoRoutes(app, authDeps);
  accessRoutes(app, { ...authDeps, policy: networkPolicy, holdings: deps.holdings });
  auditRoutes(app, deps);
  notifyRoutes(app, deps);
  governanceRoutes(app, { ...deps, smtpConfigured: deps.mailer.configured });
  schoolRoutes(app, deps);
  importExportRoutes(app, deps);
  jobRoutes(app, deps);
  exchangeRoutes(app, deps);
  authorityRoutes(app, deps);
  securityRoutes(app, deps);
  planningRoutes(app, deps);

  if (existsSync(WEB_DIR)) {
    await app.register(fastifyStatic, {
      root: WEB_DIR,
      wildcard: false,
      index: ['index.html'],
      // The build writes .br and .gz beside each file (vite.config.ts): sent to browsers that accept them.
      preCompressed: true,
      // Files under assets/ carry their content's hash in the name, so a browser may keep them for good.
      setHeaders: (reply, path) => {
        if (path.includes('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
  }

  return { app, routes: guard.routes };
}
