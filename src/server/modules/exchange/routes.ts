import { actorOf } from '../../core/auth/actor.js';
import { z } from 'zod';
import { EmptyBody, IdParam } from '../../../contracts/account.js';
import {
  ApproveBody,
  AssignBody,
  CalendarFeed,
  CategoryParam,
  ExchangeLog,
  ExplainExceptionBody,
  InboxDetail,
  InboxList,
  InboxUnlockBody,
  InboxQuery,
  LogQuery,
  PackageFile,
  ProcedureBody,
  ProcedureList,
  RejectBody,
  ReturnRowsBody,
  ReturnView,
  UnlockResult,
} from '../../../contracts/exchange.js';
import type { Deps } from '../../core/deps.js';
import type { App } from '../../core/http.js';
import { NoContent, download, exchangeDeps, today } from './http.js';
import * as ex from './service.js';

export { authorityRoutes } from './authority/routes.js';

const Created = { 201: z.strictObject({ id: z.uuid() }) };

/** The school's side: inbox and tasks, procedures, returns, the log and the personal calendar feed. */
export function exchangeRoutes(app: App, deps: Deps): void {
  const d = exchangeDeps(deps);
  const base = (deps.config.PUBLIC_URL ?? `http://localhost:${deps.config.PORT}`).replace(/\/$/, '');

  app.get(
    '/api/exchange/inbox',
    { config: { permission: 'exchange.read' }, schema: { querystring: InboxQuery, response: { 200: InboxList } } },
    async (req) => ex.listInbox(d, actorOf(req), req.query),
  );
  app.get(
    '/api/exchange/inbox/:id',
    { config: { permission: 'exchange.read' }, schema: { params: IdParam, response: { 200: InboxDetail } } },
    async (req) => ex.inboxDetail(d, actorOf(req), req.params.id),
  );
  app.get(
    '/api/exchange/inbox/:id/attachments/:index',
    {
      config: { permission: 'exchange.read' },
      schema: { params: z.strictObject({ id: z.uuid(), index: z.coerce.number().int().min(0).max(9) }) },
    },
    async (req, reply) => {
      const f = await ex.attachment(d, actorOf(req), req.params.id, req.params.index);
      return reply.type('application/octet-stream').header('content-disposition', download(f.name)).send(f.body);
    },
  );
  app.post(
    '/api/exchange/unlock',
    { config: { permission: 'exchange.unlock' }, schema: { body: InboxUnlockBody, response: { 200: UnlockResult } } },
    async (req) => ex.unlockInbox(d, actorOf(req), req.body.words),
  );
  app.put(
    '/api/exchange/inbox/:id/assign',
    { config: { permission: 'exchange.manage' }, schema: { params: IdParam, body: AssignBody, response: NoContent } },
    async (req, reply) => {
      await ex.assignTask(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/exchange/inbox/:id/done',
    { config: { permission: 'exchange.prepare' }, schema: { params: IdParam, body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await ex.markDone(d, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/exchange/inbox/:id/close',
    { config: { permission: 'exchange.manage' }, schema: { params: IdParam, body: RejectBody, response: NoContent } },
    async (req, reply) => {
      await ex.closeUnreadable(d, actorOf(req), req.params.id, req.body.reason);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/exchange/inbox/:id/returns',
    { config: { permission: 'exchange.prepare' }, schema: { params: IdParam, body: EmptyBody, response: Created } },
    async (req, reply) => reply.code(201).send({ id: await ex.generateReturn(d, actorOf(req), req.params.id) }),
  );
  app.post(
    '/api/exchange/inbox/:id/amend',
    { config: { permission: 'exchange.prepare' }, schema: { params: IdParam, body: EmptyBody, response: Created } },
    async (req, reply) => reply.code(201).send({ id: await ex.amendReturn(d, actorOf(req), req.params.id) }),
  );
  app.get(
    '/api/exchange/returns/:id',
    { config: { permission: 'exchange.read' }, schema: { params: IdParam, response: { 200: ReturnView } } },
    async (req) => ex.getReturn(d, actorOf(req), req.params.id),
  );
  app.put(
    '/api/exchange/returns/:id/rows',
    { config: { permission: 'exchange.prepare' }, schema: { params: IdParam, body: ReturnRowsBody, response: NoContent } },
    async (req, reply) => {
      await ex.editReturn(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/exchange/returns/:id/exceptions',
    { config: { permission: 'exchange.prepare' }, schema: { params: IdParam, body: ExplainExceptionBody, response: NoContent } },
    async (req, reply) => {
      await ex.explainException(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/exchange/returns/:id/ready',
    { config: { permission: 'exchange.prepare' }, schema: { params: IdParam, body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await ex.markReady(d, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/exchange/returns/:id/reject',
    { config: { permission: 'exchange.approve' }, schema: { params: IdParam, body: RejectBody, response: NoContent } },
    async (req, reply) => {
      await ex.rejectReturn(d, actorOf(req), req.params.id, req.body.reason);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/exchange/returns/:id/approve',
    { config: { permission: 'exchange.approve' }, schema: { params: IdParam, body: ApproveBody, response: { 200: ReturnView } } },
    async (req) => ex.approveReturn(d, actorOf(req), req.params.id, req.body.words, req.body.version),
  );
  app.get(
    '/api/exchange/returns/:id/package',
    { config: { permission: 'exchange.read' }, schema: { params: IdParam, response: { 200: PackageFile } } },
    async (req, reply) => {
      const p = await ex.returnPackage(d, actorOf(req), req.params.id);
      return reply.header('content-disposition', download(`${p.header.refNo}-${p.header.schoolNumber}-${p.header.amendment}.json`)).send(p);
    },
  );
  app.get(
    '/api/exchange/procedures',
    { config: { permission: 'exchange.read' }, schema: { response: { 200: ProcedureList } } },
    async (req) => ex.listProcedures(d, actorOf(req)),
  );
  app.put(
    '/api/exchange/procedures/:category',
    { config: { permission: 'exchange.manage' }, schema: { params: CategoryParam, body: ProcedureBody, response: NoContent } },
    async (req, reply) => {
      await ex.putProcedure(d, actorOf(req), req.params.category, req.body);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/exchange/procedures/review',
    { config: { permission: 'exchange.manage' }, schema: { body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await ex.reviewProcedures(d, actorOf(req));
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/exchange/log',
    { config: { permission: 'exchange.read' }, schema: { querystring: LogQuery, response: { 200: ExchangeLog } } },
    async (req) => ex.exchangeLog(d, actorOf(req), req.query.date ?? today(deps)),
  );

  app.get(
    '/api/exchange/calendar-feed',
    { config: { permission: 'exchange.read' }, schema: { response: { 200: CalendarFeed } } },
    async (req) => ({ url: null, ...(await ex.feedStatus(d, actorOf(req))) }),
  );
  app.post(
    '/api/exchange/calendar-feed',
    { config: { permission: 'exchange.read' }, schema: { body: EmptyBody, response: { 200: CalendarFeed } } },
    async (req) => {
      const token = await ex.createFeed(d, actorOf(req));
      return { url: `${base}/api/calendar/${token}.ics`, createdAt: deps.clock.now().toISOString() };
    },
  );
  app.delete(
    '/api/exchange/calendar-feed',
    { config: { permission: 'exchange.read' }, schema: { response: NoContent } },
    async (req, reply) => {
      await ex.revokeFeed(d, actorOf(req));
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/calendar/:file',
    { config: { public: true }, schema: { params: z.strictObject({ file: z.string().regex(/^[A-Za-z0-9_-]{43}\.ics$/) }) } },
    async (req, reply) => {
      const body = await ex.feedCalendar(d, req.params.file.slice(0, -4));
      if (!body)
        return reply
          .code(404)
          .type('application/problem+json')
          .send({ type: 'about:blank#not_found', title: 'not found', status: 404, code: 'not_found' });
      return reply.type('text/calendar; charset=utf-8').send(body);
    },
  );
}
