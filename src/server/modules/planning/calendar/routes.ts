import { z } from 'zod';
import { EmptyBody, IdParam } from '../../../../contracts/account.js';
import {
  CalendarQuery,
  CalendarView,
  DoneBody,
  ExchangeLinkList,
  InstantiateBody,
  InstantiateResult,
  PlanningPeople,
  TaskUpdateBody,
  TemplateBody,
  TemplateList,
  TemplateUpdateBody,
} from '../../../../contracts/planning-calendar.js';
import { actorOf } from '../../../core/auth/actor.js';
import type { Deps } from '../../../core/deps.js';
import { type App, sessionOf } from '../../../core/http.js';
import {
  createTemplate,
  editTask,
  editTemplate,
  getCalendar,
  getExchangeLinks,
  getPlanningPeople,
  getTemplates,
  instantiateYear,
  markTaskDone,
  reopenTask,
} from '../service.js';
import { planRoutes } from '../plan/routes.js';

/** The annual work calendar and the transition plan (memo O3, parts 1, 2 and 5 of issue 11). */
export function calendarRoutes(app: App, d: Deps): void {
  app.get(
    '/api/planning/calendar',
    { config: { permission: 'planning.read' }, schema: { querystring: CalendarQuery, response: { 200: CalendarView } } },
    async (req) => getCalendar(d, sessionOf(req).schoolId, req.query.year),
  );

  app.post(
    '/api/planning/calendar/instantiate',
    { config: { permission: 'planning.manage' }, schema: { body: InstantiateBody, response: { 200: InstantiateResult } } },
    async (req) => instantiateYear(d, actorOf(req), req.body.startYear),
  );

  app.put(
    '/api/planning/tasks/:id',
    { config: { permission: 'planning.manage' }, schema: { params: IdParam, body: TaskUpdateBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await editTask(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/planning/tasks/:id/done',
    { config: { permission: 'planning.manage' }, schema: { params: IdParam, body: DoneBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await markTaskDone(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/planning/tasks/:id/reopen',
    { config: { permission: 'planning.manage' }, schema: { params: IdParam, body: EmptyBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await reopenTask(d, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/planning/templates',
    { config: { permission: 'planning.read' }, schema: { response: { 200: TemplateList } } },
    async (req) => getTemplates(d, sessionOf(req).schoolId),
  );

  app.post(
    '/api/planning/templates',
    { config: { permission: 'planning.manage' }, schema: { body: TemplateBody, response: { 201: z.strictObject({ id: z.uuid() }) } } },
    async (req, reply) => reply.code(201).send(await createTemplate(d, actorOf(req), req.body)),
  );

  app.put(
    '/api/planning/templates/:id',
    { config: { permission: 'planning.manage' }, schema: { params: IdParam, body: TemplateUpdateBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await editTemplate(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );

  app.get('/api/planning/people', { config: { permission: 'planning.read' }, schema: { response: { 200: PlanningPeople } } }, async (req) =>
    getPlanningPeople(d, sessionOf(req).schoolId),
  );

  app.get(
    '/api/planning/exchange-tasks',
    { config: { permission: 'planning.manage' }, schema: { response: { 200: ExchangeLinkList } } },
    async (req) => getExchangeLinks(d, sessionOf(req).schoolId),
  );

  planRoutes(app, d);
}
