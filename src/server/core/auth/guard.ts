import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { AppError } from '../errors.js';
import { type App, type RouteAccess, SESSION_COOKIE, clearSessionCookie, setSessionCookie } from '../http.js';
import { csrfTokenFor, csrfValid } from './csrf.js';
import type { Clock } from '../clock.js';
import type { NetworkGate } from './network-gate.js';
import { isKnownPermission } from './permissions.js';
import { stageRefusal } from './policy.js';
import type { Session, SessionStore } from './sessions.js';

export interface RouteInfo extends RouteAccess {
  method: string;
  url: string;
  hasBody: boolean;
  bodyFields: string[];
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Which declaration a route made, or why it is refused. */
export function accessError(a: RouteAccess | undefined): string | null {
  const n = Number(!!a?.permission) + Number(!!a?.self) + Number(!!a?.public);
  if (n === 0) return 'declares neither permission, self nor public';
  if (n > 1) return 'declares more than one of permission, self and public';
  if (a?.permission && !isKnownPermission(a.permission)) return `uses unknown permission ${a.permission}`;
  if (a?.partial && !a.self) return 'partial is only for self routes';
  return null;
}

export interface GuardDeps {
  sessions: SessionStore;
  clock: Clock;
  /** Network zones and time profiles (memo U2), checked on every request when present. */
  network?: NetworkGate;
  /** A session refused by the network rules ends; this records and announces it. */
  onNetworkRefused?(req: FastifyRequest, s: Session, rule: string): Promise<void>;
  csrfKey: Buffer;
  cookieSecure: Config['COOKIE_SECURE'];
  /** Re-issue a session whose rights changed; returns the new token and session. */
  rotate(req: FastifyRequest, s: Session): Promise<{ token: string; session: Session }>;
}

/**
 * Deny by default: every route must declare its access; routes that do not stop start-up.
 * Routes served by plugins outside /api (the web bundle, the API docs page) are public assets
 * and are listed by `publicPrefixes`.
 */
export function installGuard(app: App, deps: GuardDeps, publicPrefixes: string[]): { routes: RouteInfo[] } {
  const routes: RouteInfo[] = [];
  const bad: string[] = [];
  app.decorateRequest('session', null);

  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    const cfg = (r.config ?? {}) as RouteAccess;
    const isAsset = !r.url.startsWith('/api/') || publicPrefixes.some((p) => r.url.startsWith(p));
    if (isAsset && !cfg.permission && !cfg.self) {
      r.config = { ...cfg, public: true };
    } else {
      const why = accessError(cfg);
      if (why) bad.push(`${methods.join(',')} ${r.url} ${why}`);
      // Every write validates its body (DESIGN rule 5), even one that carries no fields.
      if (methods.some((m) => m === 'POST' || m === 'PUT' || m === 'PATCH') && !r.schema?.body)
        bad.push(`${methods.join(',')} ${r.url} has no body schema`);
    }
    const body = r.schema?.body as { shape?: Record<string, unknown> } | undefined;
    for (const m of methods) {
      if (m === 'HEAD' || m === 'OPTIONS') continue;
      routes.push({ method: m, url: r.url, ...(r.config as RouteAccess), hasBody: !!body, bodyFields: Object.keys(body?.shape ?? {}) });
    }
  });
  app.addHook('onReady', async () => {
    if (bad.length) throw new Error(`Routes without a valid access declaration:\n${bad.join('\n')}`);
  });

  app.addHook('onRequest', async (req, reply) => {
    const cfg = req.routeOptions.config as RouteAccess;
    // Unknown paths: the not-found handler answers (web pages get the app shell, /api/ a 404).
    if (cfg.public || req.is404) return;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) throw new AppError('unauthenticated');
    let s = await deps.sessions.resolve(token);
    if (!s) {
      clearSessionCookie(reply);
      throw new AppError('session_expired');
    }
    if (WRITE.has(req.method) && !csrfValid(deps.csrfKey, s, req.headers['x-csrf-token'])) throw new AppError('csrf_failed');
    if (s.rotate) {
      const next = await deps.rotate(req, s);
      setSessionCookie(req, reply, next.token, deps.cookieSecure);
      reply.header('x-csrf-token', csrfTokenFor(deps.csrfKey, next.session));
      s = next.session;
    }
    if (deps.network) {
      // Re-checked whenever the address changes, and once a minute for time profiles.
      const now = deps.clock.now();
      const memo = `${req.ip}|${Math.floor(now.getTime() / 60_000)}`;
      if (s.networkChecked !== memo) {
        const v = await deps.network.check(s.schoolId, s.roleIds, req.ip, now);
        if (!v.ok) {
          await deps.onNetworkRefused?.(req, s, v.rule);
          clearSessionCookie(reply);
          throw new AppError('network_refused', { rule: v.rule });
        }
        s.networkChecked = memo;
      }
    }
    req.session = s;
    const refused = stageRefusal(s.stage, cfg);
    if (refused) throw new AppError(refused);
    if (cfg.permission && !s.permissions.has(cfg.permission)) throw new AppError('forbidden');
  });

  return { routes };
}
