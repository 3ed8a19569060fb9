import { z } from 'zod';
import { EmptyBody, IdParam } from '../../../../contracts/account.js';
import {
  HolidaysBody,
  NetworkRulesBody,
  NetworkSettingsBody,
  NetworkView,
  TimeProfileBody,
  ZoneBody,
} from '../../../../contracts/admin.js';
import { actorOf } from '../../../core/auth/actor.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { type App, sessionOf } from '../../../core/http.js';
import * as access from '../service.js';
import { NoContent } from './common.js';

/** Network zones and time profiles (memo U2). */
export function networkRoutes(app: App, d: AuthDeps & { policy: access.NetworkPolicy }): void {
  app.get('/api/admin/network', { config: { permission: 'network.manage' }, schema: { response: { 200: NetworkView } } }, async (req) =>
    access.getNetwork(d, sessionOf(req).schoolId),
  );
  app.post(
    '/api/admin/network/zones',
    { config: { permission: 'network.manage' }, schema: { body: ZoneBody, response: { 201: z.strictObject({ id: z.uuid() }) } } },
    async (req, reply) => reply.code(201).send({ id: await access.createZone(d, actorOf(req), req.body) }),
  );
  app.delete(
    '/api/admin/network/zones/:id',
    { config: { permission: 'network.manage' }, schema: { params: IdParam, response: NoContent } },
    async (req, reply) => {
      await access.deleteZone(d, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/admin/network/profiles',
    { config: { permission: 'network.manage' }, schema: { body: TimeProfileBody, response: { 201: z.strictObject({ id: z.uuid() }) } } },
    async (req, reply) => reply.code(201).send({ id: await access.createProfile(d, actorOf(req), req.body) }),
  );
  app.put(
    '/api/admin/network/rules',
    { config: { permission: 'network.manage' }, schema: { body: NetworkRulesBody, response: NoContent } },
    async (req, reply) => {
      await access.setRules(d, actorOf(req), req.body);
      return reply.code(204).send(null);
    },
  );
  app.put(
    '/api/admin/network/settings',
    { config: { permission: 'network.manage' }, schema: { body: NetworkSettingsBody, response: NoContent } },
    async (req, reply) => {
      await access.setNetworkSettings(d, actorOf(req), req.body.enabled);
      return reply.code(204).send(null);
    },
  );
  app.put(
    '/api/admin/network/holidays',
    { config: { permission: 'network.manage' }, schema: { body: HolidaysBody, response: NoContent } },
    async (req, reply) => {
      await access.setHolidays(d, actorOf(req), req.body.holidays);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/admin/network/reviewed',
    { config: { permission: 'network.manage' }, schema: { body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await access.markNetworkReviewed(d, actorOf(req));
      return reply.code(204).send(null);
    },
  );
}
