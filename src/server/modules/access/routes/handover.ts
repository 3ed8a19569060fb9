import { z } from 'zod';
import { EmptyBody, IdParam } from '../../../../contracts/account.js';
import { HandoverCreateBody, HandoverItemParams, HandoverPlanList, HandoverPlanView, SuccessorBody } from '../../../../contracts/admin.js';
import { actorOf } from '../../../core/auth/actor.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import type { HoldingRegistry } from '../../../core/handover/registry.js';
import { type App, sessionOf } from '../../../core/http.js';
import * as access from '../service.js';
import { NoContent } from './common.js';

/** Handover when someone leaves or changes duties (memo U3). */
export function handoverRoutes(app: App, d: AuthDeps & { holdings: HoldingRegistry }): void {
  app.get(
    '/api/handover/plans',
    { config: { permission: 'handover.manage' }, schema: { response: { 200: HandoverPlanList } } },
    async (req) => ({
      plans: await access.listPlans(d, sessionOf(req).schoolId),
    }),
  );
  app.get(
    '/api/handover/plans/:id',
    { config: { permission: 'handover.manage' }, schema: { params: IdParam, response: { 200: HandoverPlanView } } },
    async (req) => access.getPlan(d, sessionOf(req).schoolId, req.params.id),
  );
  app.post(
    '/api/handover/plans',
    {
      config: { permission: 'handover.manage' },
      schema: { body: HandoverCreateBody, response: { 201: z.strictObject({ id: z.uuid() }) } },
    },
    async (req, reply) => reply.code(201).send({ id: await access.createPlan(d, actorOf(req), req.body) }),
  );
  app.put(
    '/api/handover/plans/:id/items/:itemId',
    { config: { permission: 'handover.manage' }, schema: { params: HandoverItemParams, body: SuccessorBody, response: NoContent } },
    async (req, reply) => {
      await access.setSuccessor(d, actorOf(req), req.params.id, req.params.itemId, req.body.successorId);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/handover/plans/:id/approve',
    { config: { permission: 'handover.approve' }, schema: { params: IdParam, body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await access.approvePlan(d, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
}
