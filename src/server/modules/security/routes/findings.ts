import { z } from 'zod';
import { EmptyBody, IdParam } from '../../../../contracts/account.js';
import {
  AcceptFindingBody,
  CheckRunView,
  CompleteTaskBody,
  FindingList,
  FindingQuery,
  PostureQuery,
  PostureView,
  ReviewFindingBody,
  RoutineTaskBody,
  RoutineTaskUpdateBody,
  RoutineView,
} from '../../../../contracts/security-findings.js';
import { actorOf } from '../../../core/auth/actor.js';
import type { Deps } from '../../../core/deps.js';
import { type App, sessionOf } from '../../../core/http.js';
import {
  acceptFinding,
  completeTask,
  createTask,
  editTask,
  getRoutine,
  listSecurityFindings,
  noteRequest,
  reviewFinding,
  runSecurityChecks,
  securityPosture,
} from '../service.js';

/** Memo S2: the security checks and their findings, the posture over time, and the system administrator's routine. */
export function findingRoutes(app: App, d: Deps): void {
  // Forwarded headers arriving while no proxy is trusted are a configuration finding: note them as they come.
  app.addHook('onRequest', async (req) => noteRequest(d.config, req.headers, d.clock.now()));
  const run = {
    db: d.db,
    clock: d.clock,
    config: d.config,
    smtpConfigured: d.mailer.configured,
    log: (m: string, e: unknown) => d.log.error({ err: e }, m),
  };

  app.get(
    '/api/security/findings',
    { config: { permission: 'security.read' }, schema: { querystring: FindingQuery, response: { 200: FindingList } } },
    async (req) => listSecurityFindings(d, sessionOf(req).schoolId, req.query),
  );

  app.post(
    '/api/security/checks/run',
    { config: { permission: 'security.manage' }, schema: { body: EmptyBody, response: { 200: CheckRunView } } },
    async (req) => {
      const actor = actorOf(req);
      return runSecurityChecks(run, actor.schoolId, 'manual', actor);
    },
  );

  app.post(
    '/api/security/findings/:id/accept',
    { config: { permission: 'security.manage' }, schema: { params: IdParam, body: AcceptFindingBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await acceptFinding(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/security/findings/:id/review',
    { config: { permission: 'security.manage' }, schema: { params: IdParam, body: ReviewFindingBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await reviewFinding(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/security/posture',
    { config: { permission: 'security.read' }, schema: { querystring: PostureQuery, response: { 200: PostureView } } },
    async (req) => securityPosture(d, sessionOf(req).schoolId, req.query.days),
  );

  app.get('/api/security/routine', { config: { permission: 'security.read' }, schema: { response: { 200: RoutineView } } }, async (req) =>
    getRoutine(d, sessionOf(req).schoolId),
  );

  app.post(
    '/api/security/routine',
    { config: { permission: 'security.manage' }, schema: { body: RoutineTaskBody, response: { 201: z.strictObject({ id: z.uuid() }) } } },
    async (req, reply) => reply.code(201).send(await createTask(d, actorOf(req), req.body)),
  );

  app.put(
    '/api/security/routine/:id',
    { config: { permission: 'security.manage' }, schema: { params: IdParam, body: RoutineTaskUpdateBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await editTask(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/security/routine/:id/done',
    { config: { permission: 'security.manage' }, schema: { params: IdParam, body: CompleteTaskBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await completeTask(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );
}
