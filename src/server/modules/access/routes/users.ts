import { z } from 'zod';
import { EmptyBody, IdParam, SessionList } from '../../../../contracts/account.js';
import {
  PermissionList,
  ResetPasswordBody,
  RoleList,
  SchoolSettings,
  UserCreateBody,
  UserList,
  UserQuery,
  UserRolesBody,
} from '../../../../contracts/admin.js';
import { actorOf } from '../../../core/auth/actor.js';
import { endSession, listSessions } from '../../../core/auth/routes.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { type App, sessionOf } from '../../../core/http.js';
import * as access from '../service.js';
import { NoContent } from './common.js';

/** User administration: accounts, roles, who is signed in, the school's limits. */
export function userRoutes(app: App, d: AuthDeps): void {
  app.get(
    '/api/admin/users',
    { config: { permission: 'users.read' }, schema: { querystring: UserQuery, response: { 200: UserList } } },
    async (req) => access.listUsers(d, sessionOf(req).schoolId, req.query),
  );
  app.post(
    '/api/admin/users',
    { config: { permission: 'users.manage' }, schema: { body: UserCreateBody, response: { 201: z.strictObject({ id: z.uuid() }) } } },
    async (req, reply) => {
      const id = await access.createUser(d, actorOf(req), req.body);
      return reply.code(201).send({ id });
    },
  );
  app.post(
    '/api/admin/users/:id/unlock',
    { config: { permission: 'users.unlock' }, schema: { params: IdParam, body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await access.unlockUser(d, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/admin/users/:id/reset-password',
    { config: { permission: 'users.reset_password' }, schema: { params: IdParam, body: ResetPasswordBody, response: NoContent } },
    async (req, reply) => {
      await access.resetPassword(d, actorOf(req), req.params.id, req.body.newPassword);
      return reply.code(204).send(null);
    },
  );
  app.put(
    '/api/admin/users/:id/roles',
    { config: { permission: 'roles.assign' }, schema: { params: IdParam, body: UserRolesBody, response: NoContent } },
    async (req, reply) => {
      await access.setUserRoles(d, actorOf(req), req.params.id, req.body.roleIds);
      return reply.code(204).send(null);
    },
  );
  app.get('/api/admin/roles', { config: { permission: 'roles.read' }, schema: { response: { 200: RoleList } } }, async (req) => ({
    roles: await access.listRoles(d, sessionOf(req).schoolId),
  }));
  app.get(
    '/api/admin/permissions',
    { config: { permission: 'roles.read' }, schema: { response: { 200: PermissionList } } },
    async (req) => ({
      permissions: await access.permissionCatalogue(d, sessionOf(req).schoolId),
    }),
  );
  app.get('/api/admin/sessions', { config: { permission: 'sessions.read' }, schema: { response: { 200: SessionList } } }, async (req) => {
    const s = sessionOf(req);
    return { sessions: await listSessions(d, s.schoolId, s) };
  });
  app.delete(
    '/api/admin/sessions/:id',
    { config: { permission: 'sessions.revoke' }, schema: { params: IdParam, response: NoContent } },
    async (req, reply) => {
      await endSession(d, sessionOf(req), req.params.id, { ownOnly: false, ip: req.ip });
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/admin/settings',
    { config: { permission: 'school.settings.manage' }, schema: { response: { 200: SchoolSettings } } },
    async (req) => access.getSettings(d, sessionOf(req).schoolId),
  );
  app.put(
    '/api/admin/settings',
    { config: { permission: 'school.settings.manage' }, schema: { body: SchoolSettings, response: NoContent } },
    async (req, reply) => {
      await access.putSettings(d, actorOf(req), req.body);
      return reply.code(204).send(null);
    },
  );
}
