import { z } from 'zod';
import { IdParam } from '../../../../contracts/account.js';
import { AccessMatrix, AccessQuery, MemberBody, MemberParams, RoleBody, RoleCopyBody, RoleDetail } from '../../../../contracts/admin.js';
import { RoleNameList } from '../../../../contracts/labels.js';
import { actorOf } from '../../../core/auth/actor.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { writeCsv } from '../../../core/csv.js';
import { type App, sessionOf } from '../../../core/http.js';
import * as access from '../service.js';
import { NoContent } from './common.js';

/** The role editor (memo U1): roles, their rights and members, and who can do what. */
export function roleRoutes(app: App, d: AuthDeps): void {
  // Names only, for whoever lists people: the users page shows each person's roles by name, not by id.
  app.get('/api/admin/role-names', { config: { permission: 'users.read' }, schema: { response: { 200: RoleNameList } } }, async (req) =>
    access.roleNames(d, sessionOf(req).schoolId),
  );
  app.get(
    '/api/admin/roles/:id',
    { config: { permission: 'roles.read' }, schema: { params: IdParam, response: { 200: RoleDetail } } },
    async (req) => access.getRole(d, sessionOf(req).schoolId, req.params.id),
  );
  app.post(
    '/api/admin/roles',
    { config: { permission: 'roles.manage' }, schema: { body: RoleBody, response: { 201: z.strictObject({ id: z.uuid() }) } } },
    async (req, reply) => reply.code(201).send({ id: await access.createRole(d, actorOf(req), req.body) }),
  );
  app.post(
    '/api/admin/roles/:id/copy',
    {
      config: { permission: 'roles.manage' },
      schema: { params: IdParam, body: RoleCopyBody, response: { 201: z.strictObject({ id: z.uuid() }) } },
    },
    async (req, reply) => reply.code(201).send({ id: await access.copyRole(d, actorOf(req), req.params.id, req.body) }),
  );
  app.put(
    '/api/admin/roles/:id',
    { config: { permission: 'roles.manage' }, schema: { params: IdParam, body: RoleBody, response: NoContent } },
    async (req, reply) => {
      await access.updateRole(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );
  app.delete(
    '/api/admin/roles/:id',
    { config: { permission: 'roles.manage' }, schema: { params: IdParam, response: NoContent } },
    async (req, reply) => {
      await access.deleteRole(d, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/admin/roles/:id/members',
    { config: { permission: 'roles.assign' }, schema: { params: IdParam, body: MemberBody, response: NoContent } },
    async (req, reply) => {
      await access.addMember(d, actorOf(req), req.params.id, req.body);
      return reply.code(204).send(null);
    },
  );
  app.delete(
    '/api/admin/roles/:id/members/:userId',
    { config: { permission: 'roles.assign' }, schema: { params: MemberParams, response: NoContent } },
    async (req, reply) => {
      await access.removeMember(d, actorOf(req), req.params.id, req.params.userId);
      return reply.code(204).send(null);
    },
  );
  /** Who can do what, per permission or per person; `format=csv` downloads it. */
  app.get('/api/admin/access', { config: { permission: 'roles.read' }, schema: { querystring: AccessQuery } }, async (req, reply) => {
    const rows = await access.accessMatrix(d, sessionOf(req).schoolId, req.query);
    if (req.query.format === 'csv') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="who-can-do-what.csv"')
        .send(
          writeCsv(
            ['permission', 'scope', 'username', 'name', 'roles'],
            rows.map((r) => [r.permission, r.scope, r.username, r.displayName, r.roles.join('; ')]),
          ),
        );
    }
    return reply.send(AccessMatrix.parse({ rows }));
  });
}
