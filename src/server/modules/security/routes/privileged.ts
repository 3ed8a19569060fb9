import { z } from 'zod';
import { EmptyBody, IdParam } from '../../../../contracts/account.js';
import { AccountKindBody, BreakGlassCreateBody, PrivilegedAccountList, RotationSettingsBody } from '../../../../contracts/privileged.js';
import { actorOf } from '../../../core/auth/actor.js';
import type { Deps } from '../../../core/deps.js';
import { type App, sessionOf } from '../../../core/http.js';
import * as security from '../service.js';

const NoContent = { 204: z.null() };

/** Privileged accounts (memo S1): kinds, password age, changes on suspicion and the sealed break-glass account. */
export function privilegedRoutes(app: App, d: Deps): void {
  const pd = { db: d.db, clock: d.clock, sessions: d.sessions, config: d.config, smtpConfigured: d.mailer.configured };
  app.get(
    '/api/security/privileged',
    { config: { permission: 'security.read' }, schema: { response: { 200: PrivilegedAccountList } } },
    async (req) => security.listPrivileged(pd, sessionOf(req).schoolId),
  );
  app.put(
    '/api/security/privileged/settings',
    { config: { permission: 'users.manage' }, schema: { body: RotationSettingsBody, response: NoContent } },
    async (req, reply) => {
      await security.setRotationPeriod(pd, actorOf(req), req.body.rotationDays);
      return reply.code(204).send(null);
    },
  );
  app.put(
    '/api/security/privileged/accounts/:id/kind',
    { config: { permission: 'users.manage' }, schema: { params: IdParam, body: AccountKindBody, response: NoContent } },
    async (req, reply) => {
      await security.setKind(pd, actorOf(req), req.params.id, req.body.kind);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/security/privileged/accounts/:id/require-change',
    { config: { permission: 'users.reset_password' }, schema: { params: IdParam, body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await security.requireChange(pd, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
  // The two answers below are the printed sheet: its password is in the PDF and nowhere else.
  app.post(
    '/api/security/privileged/break-glass',
    { config: { permission: 'users.manage' }, schema: { body: BreakGlassCreateBody } },
    async (req, reply) => {
      const pdf = await security.createBreakGlass(pd, actorOf(req), req.body.username);
      return reply
        .code(201)
        .type('application/pdf')
        .header('cache-control', 'no-store')
        .header('content-disposition', 'attachment; filename="break-glass-sheet.pdf"')
        .send(pdf);
    },
  );
  app.post(
    '/api/security/privileged/break-glass/reseal',
    { config: { permission: 'users.manage' }, schema: { body: EmptyBody } },
    async (req, reply) => {
      const pdf = await security.resealBreakGlassAccount(pd, actorOf(req));
      return reply
        .type('application/pdf')
        .header('cache-control', 'no-store')
        .header('content-disposition', 'attachment; filename="break-glass-sheet.pdf"')
        .send(pdf);
    },
  );
}
