import { EmptyBody, IdParam } from '../../../../contracts/account.js';
import {
  AuthoritySchoolList,
  ExchangeLog,
  LogQuery,
  MessageList,
  MessageProgress,
  OpenedPackage,
  PackageFile,
  ProgressQuery,
  PublishBody,
  PublishResult,
  RemindResult,
  ResendResult,
  UnlockBody,
  VerifyBody,
  VerifyResult,
} from '../../../../contracts/exchange.js';
import { actorOf } from '../../../core/auth/actor.js';
import type { Deps } from '../../../core/deps.js';
import type { App } from '../../../core/http.js';
import { download, exchangeDeps, today } from '../http.js';
import * as ex from '../service.js';

/** The authority's side: publish, follow progress, remind, verify and open returns. */
export function authorityRoutes(app: App, deps: Deps): void {
  const d = exchangeDeps(deps);
  app.get(
    '/api/authority/schools',
    { config: { permission: 'authority.publish' }, schema: { response: { 200: AuthoritySchoolList } } },
    async (req) => ({
      schools: await ex.listSchoolsForAuthority(d, actorOf(req)),
    }),
  );
  app.post(
    '/api/authority/messages',
    { config: { permission: 'authority.publish' }, schema: { body: PublishBody, response: { 201: PublishResult } } },
    async (req, reply) => reply.code(201).send(await ex.publish(d, actorOf(req), req.body)),
  );
  app.get(
    '/api/authority/messages',
    { config: { permission: 'authority.read' }, schema: { response: { 200: MessageList } } },
    async (req) => ({ messages: await ex.listMessages(d, actorOf(req)) }),
  );
  app.get(
    '/api/authority/messages/:id',
    {
      config: { permission: 'authority.read' },
      schema: { params: IdParam, querystring: ProgressQuery, response: { 200: MessageProgress } },
    },
    async (req) => ex.messageProgress(d, actorOf(req), req.params.id, req.query),
  );
  app.post(
    '/api/authority/messages/:id/remind',
    { config: { permission: 'authority.publish' }, schema: { params: IdParam, body: EmptyBody, response: { 200: RemindResult } } },
    async (req) => ({
      reminded: await ex.remindLate(d, actorOf(req), req.params.id),
    }),
  );
  app.post(
    '/api/authority/messages/:id/resend',
    { config: { permission: 'authority.publish' }, schema: { params: IdParam, body: EmptyBody, response: { 200: ResendResult } } },
    async (req) => ({
      resent: await ex.resend(d, actorOf(req), req.params.id),
    }),
  );
  app.get(
    '/api/authority/packages/:id',
    { config: { permission: 'authority.read' }, schema: { params: IdParam, response: { 200: PackageFile } } },
    async (req, reply) => {
      const p = await ex.packageFile(d, actorOf(req), req.params.id);
      return reply.header('content-disposition', download(`${p.header.refNo}-${p.header.schoolNumber}-${p.header.amendment}.json`)).send(p);
    },
  );
  app.post(
    '/api/authority/packages/:id/open',
    { config: { permission: 'authority.unlock' }, schema: { params: IdParam, body: UnlockBody, response: { 200: OpenedPackage } } },
    async (req) => ex.openPackage(d, actorOf(req), req.params.id, req.body.words),
  );
  app.post(
    '/api/authority/packages/verify',
    { config: { permission: 'authority.read' }, schema: { body: VerifyBody, response: { 200: VerifyResult } } },
    async (req) => ex.verifyUploaded(d, actorOf(req), req.body.package),
  );
  app.get(
    '/api/authority/log',
    { config: { permission: 'authority.read' }, schema: { querystring: LogQuery, response: { 200: ExchangeLog } } },
    async (req) => ex.exchangeLog(d, actorOf(req), req.query.date ?? today(deps)),
  );
}
