import { z } from 'zod';
import { SetupBody, SetupKeyBody, SetupKeyResult, SetupResult, SetupStatus } from '../../../contracts/auth.js';
import type { AuthDeps } from '../auth/service.js';
import { type App, setSessionCookie } from '../http.js';
import { completeSetup, issueSetupKey, setupStatus } from './service.js';

export function setupRoutes(app: App, d: AuthDeps): void {
  app.get(
    '/api/setup/:token',
    {
      config: { public: true },
      schema: { params: z.strictObject({ token: z.string().min(16).max(128) }), response: { 200: SetupStatus } },
    },
    async (req) => setupStatus(d.db, d.clock, req.params.token),
  );
  app.post(
    '/api/setup/key',
    { config: { public: true }, schema: { body: SetupKeyBody, response: { 200: SetupKeyResult } } },
    async (req) => {
      const k = await issueSetupKey(d, req.body.token);
      return { schoolKeyWords: k.words, schoolKeyFingerprint: k.fingerprint, ticket: k.ticket };
    },
  );
  app.post('/api/setup', { config: { public: true }, schema: { body: SetupBody, response: { 200: SetupResult } } }, async (req, reply) => {
    const r = await completeSetup(d, req.body, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null });
    setSessionCookie(req, reply, r.sessionToken, d.config.COOKIE_SECURE);
    return { schoolKeyWords: r.words, schoolKeyFingerprint: r.fingerprint };
  });
}
