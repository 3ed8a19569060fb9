import { z } from 'zod';
import { EmptyBody, IdParam } from '../../../../contracts/account.js';
import { DoneBody, PlanCreateBody, PlanQuery, StepUpdateBody, TransitionView } from '../../../../contracts/planning-calendar.js';
import { actorOf } from '../../../core/auth/actor.js';
import type { Deps } from '../../../core/deps.js';
import { type App, sessionOf } from '../../../core/http.js';
import { createPlan, editStep, getTransition, markStepDone, reopenStep } from '../service.js';

/** The transition plan into the next school year (memo O3, part 2 of issue 11): the principal follows it with planning.read. */
export function planRoutes(app: App, d: Deps): void {
  app.get(
    '/api/planning/plan',
    { config: { permission: 'planning.read' }, schema: { querystring: PlanQuery, response: { 200: TransitionView } } },
    async (req) => getTransition(d, sessionOf(req).schoolId, req.query.year),
  );

  app.post(
    '/api/planning/plan',
    { config: { permission: 'planning.manage' }, schema: { body: PlanCreateBody, response: { 201: z.strictObject({ id: z.uuid() }) } } },
    async (req, reply) => reply.code(201).send(await createPlan(d, actorOf(req), req.body)),
  );

  app.put(
    '/api/planning/plan/steps/:id',
    { config: { permission: 'planning.manage' }, schema: { params: IdParam, body: StepUpdateBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await editStep(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/planning/plan/steps/:id/done',
    { config: { permission: 'planning.manage' }, schema: { params: IdParam, body: DoneBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await markStepDone(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/planning/plan/steps/:id/reopen',
    { config: { permission: 'planning.manage' }, schema: { params: IdParam, body: EmptyBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await reopenStep(d, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
}
