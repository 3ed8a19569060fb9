import { z } from 'zod';
import { EmptyBody } from '../../../../contracts/account.js';
import {
  IssueSharesBody,
  IssuedShares,
  KeySettingsBody,
  KeyUnlockBody,
  KeyUnlockState,
  RecoverBody,
  RecoverResult,
  RotateBody,
  RotateResult,
  SchoolKeyStatus,
  ShareBody,
  ShareParams,
  SheetBody,
} from '../../../../contracts/security-key.js';
import { actorOf } from '../../../core/auth/actor.js';
import type { Deps } from '../../../core/deps.js';
import type { App } from '../../../core/http.js';
import * as security from '../service.js';

const NoContent = { 204: z.null() };

/**
 * The school key (memo S1): its status and history (security.read), the person's unlock window
 * (self: any protected step may use it), rotation, recovery shares and recovery (school_key.manage).
 */
export function keyRoutes(app: App, deps: Deps): void {
  const d: security.KeyDeps = { db: deps.db, clock: deps.clock, smtpConfigured: deps.mailer.configured, keyWindow: deps.keyWindow };
  app.get('/api/security/key', { config: { permission: 'security.read' }, schema: { response: { 200: SchoolKeyStatus } } }, async (req) =>
    security.keyStatus(d, actorOf(req)),
  );
  app.put(
    '/api/security/key/settings',
    { config: { permission: 'school_key.manage' }, schema: { body: KeySettingsBody, response: NoContent } },
    async (req, reply) => {
      await security.setKeySettings(d, actorOf(req), req.body.rotationMonths);
      return reply.code(204).send(null);
    },
  );
  app.get('/api/security/key/unlocked', { config: { self: true }, schema: { response: { 200: KeyUnlockState } } }, async (req) =>
    security.unlockState(d, actorOf(req)),
  );
  app.post(
    '/api/security/key/unlock',
    { config: { self: true }, schema: { body: KeyUnlockBody, response: { 200: KeyUnlockState } } },
    async (req) => security.unlockSchoolKey(d, actorOf(req), req.body.words),
  );
  app.post(
    '/api/security/key/lock',
    { config: { self: true }, schema: { body: EmptyBody, response: { 200: KeyUnlockState } } },
    async (req) => security.lockSchoolKey(d, actorOf(req)),
  );
  app.post(
    '/api/security/key/rotate',
    { config: { permission: 'school_key.manage' }, schema: { body: RotateBody, response: { 200: RotateResult } } },
    async (req) => security.rotateKey(d, actorOf(req), req.body.words),
  );
  app.post(
    '/api/security/key/shares',
    { config: { permission: 'school_key.manage' }, schema: { body: IssueSharesBody, response: { 200: IssuedShares } } },
    async (req) => security.issueShares(d, actorOf(req), req.body),
  );
  app.post(
    '/api/security/key/shares/:setId/:holderNo/sheet',
    { config: { permission: 'school_key.manage' }, schema: { params: ShareParams, body: SheetBody } },
    async (req, reply) => {
      const pdf = await security.shareSheet(d, actorOf(req), req.params.setId, req.params.holderNo, req.body.share);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="school-key-share-${req.params.holderNo}.pdf"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );
  app.post(
    '/api/security/key/shares/:setId/:holderNo/confirm',
    { config: { permission: 'school_key.manage' }, schema: { params: ShareParams, body: ShareBody, response: NoContent } },
    async (req, reply) => {
      await security.confirmShare(d, actorOf(req), req.params.setId, req.params.holderNo, req.body.share);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/security/key/recover',
    { config: { permission: 'school_key.manage' }, schema: { body: RecoverBody, response: { 200: RecoverResult } } },
    async (req) => security.recoverKey(d, actorOf(req), req.body.shares),
  );
}
