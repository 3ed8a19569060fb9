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
import { LoginBody, LoginResult, Me, MfaBody } from '../../../contracts/auth.js';
import { audit } from '../audit/audit.js';
import { subKey } from '../crypto/secrets.js';
import { AppError } from '../errors.js';
import { type App, clearSessionCookie, sessionOf, setSessionCookie } from '../http.js';
import type { FastifyRequest } from 'fastify';
import { csrfTokenFor } from './csrf.js';
import { isSecurityPermission } from './permissions.js';
import * as auth from './service.js';

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
      const r = await auth.login(d, req.body.username, req.body.password, origin(req));
      setSessionCookie(req, reply, r.token, secure);
      return { stage: r.stage };
    },
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

  app.get('/api/auth/me', { config: { self: true, partial: true }, schema: { response: { 200: Me } } }, async (req) => {
    const s = sessionOf(req);
    return d.db.school(s.schoolId, async (q) => {
      const [u] = await q.query<{
        id: string;
        username: string;
        display_name_zh: string | null;
        display_name_en: string;
        email: string | null;
        locale: 'zh-HK' | 'en';
        mfa_enrolled_at: Date | null;
        codes_left: number;
        school_id: string;
        name_zh: string;
        name_en: string;
        school_number: string;
      }>(
        `SELECT u.id, u.username, u.display_name_zh, u.display_name_en, u.email, u.locale, u.mfa_enrolled_at,
                (SELECT count(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) AS codes_left,
                sc.id AS school_id, sc.name_zh, sc.name_en, sc.school_number
         FROM users u JOIN schools sc ON sc.id = u.school_id WHERE u.id = $1`,
        [s.userId],
      );
      if (!u) throw new AppError('unauthenticated');
      const permissions = [...s.permissions].sort();
      return {
        user: {
          id: u.id,
          username: u.username,
          displayNameZh: u.display_name_zh,
          displayNameEn: u.display_name_en,
          email: u.email,
          locale: u.locale,
          mfaEnrolled: !!u.mfa_enrolled_at,
          mfaRequired: permissions.some(isSecurityPermission),
          recoveryCodesLeft: u.codes_left,
        },
        school: { id: u.school_id, nameZh: u.name_zh, nameEn: u.name_en, schoolNumber: u.school_number },
        stage: s.stage,
        permissions: s.stage === 'done' ? permissions : [],
        csrfToken: csrfTokenFor(csrfKey, s),
      };
    });
  });

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
      const s = sessionOf(req);
      await d.db.schoolTx(s.schoolId, async (q) => {
        await q.query('UPDATE users SET locale = $2 WHERE id = $1', [s.userId, req.body.locale]);
        await audit(q, d.clock, {
          schoolId: s.schoolId,
          actorId: s.userId,
          actorName: s.username,
          ip: req.ip,
          action: 'account.locale_changed',
          target: `user:${s.userId}`,
          details: { locale: req.body.locale },
        });
      });
      return reply.code(204).send(null);
    },
  );

  app.get('/api/account/sessions', { config: { self: true }, schema: { response: { 200: SessionList } } }, async (req) => {
    const s = sessionOf(req);
    return { sessions: await listSessions(d, s.schoolId, s, s.userId) };
  });

  app.delete(
    '/api/account/sessions/:id',
    { config: { self: true }, schema: { params: IdParam, response: NoContent } },
    async (req, reply) => {
      const s = sessionOf(req);
      await endSession(d, s, req.params.id, { ownOnly: true, ip: req.ip });
      return reply.code(204).send(null);
    },
  );
}

export async function listSessions(
  d: Pick<auth.AuthDeps, 'db' | 'sessions'>,
  schoolId: string,
  current: { tokenHash: Buffer },
  userId?: string,
) {
  const rows = await d.db.school(schoolId, (q) =>
    q.query<{
      id: string;
      user_id: string;
      username: string;
      display_name_en: string;
      display_name_zh: string | null;
      created_at: Date;
      last_seen_at: Date;
      ip: string | null;
      user_agent: string | null;
      token_hash: Buffer;
    }>(
      `SELECT s.id, s.user_id, u.username, u.display_name_en, u.display_name_zh, s.created_at, s.last_seen_at, s.ip, s.user_agent, s.token_hash
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE ($1::uuid IS NULL OR s.user_id = $1) ORDER BY s.last_seen_at DESC LIMIT 500`,
      [userId ?? null],
    ),
  );
  return rows
    .filter((r) => !d.sessions.isExpired({ createdAt: r.created_at, lastSeenAt: r.last_seen_at }))
    .map((r) => ({
      id: r.id,
      userId: r.user_id,
      username: r.username,
      displayName: r.display_name_zh ? `${r.display_name_en} ${r.display_name_zh}` : r.display_name_en,
      createdAt: r.created_at.toISOString(),
      lastSeenAt: r.last_seen_at.toISOString(),
      ip: r.ip,
      userAgent: r.user_agent,
      current: Buffer.from(r.token_hash).equals(current.tokenHash),
    }));
}

/** End one session: one's own (my sessions) or anyone's in the school (force sign-out). */
export async function endSession(
  d: Pick<auth.AuthDeps, 'db' | 'sessions' | 'clock'>,
  actor: { schoolId: string; userId: string; username: string },
  sessionId: string,
  opts: { ownOnly: boolean; ip: string },
): Promise<void> {
  const hash = await d.db.schoolTx(actor.schoolId, async (q) => {
    const rows = await q.query<{ token_hash: Buffer; user_id: string }>(
      'DELETE FROM sessions WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) RETURNING token_hash, user_id',
      [sessionId, opts.ownOnly ? actor.userId : null],
    );
    const row = rows[0];
    if (!row) throw new AppError('not_found');
    await audit(q, d.clock, {
      schoolId: actor.schoolId,
      actorId: actor.userId,
      actorName: actor.username,
      ip: opts.ip,
      action: 'sessions.revoked',
      target: `session:${sessionId}`,
      details: { user: row.user_id, forced: !opts.ownOnly },
    });
    return Buffer.from(row.token_hash);
  });
  await d.sessions.forget([hash]);
}
