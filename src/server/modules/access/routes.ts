import { z } from 'zod';
import { actorOf } from '../../core/auth/actor.js';
import { EmptyBody, IdParam, SessionList } from '../../../contracts/account.js';
import {
  AccessMatrix,
  AccessQuery,
  HolidaysBody,
  HandoverCreateBody,
  HandoverItemParams,
  HandoverPlanList,
  HandoverPlanView,
  SuccessorBody,
  NotificationListBody,
  NotificationListView,
  NetworkRulesBody,
  NetworkSettingsBody,
  NetworkView,
  TimeProfileBody,
  ZoneBody,
  ReviewDecisionBody,
  ReviewDetail,
  ReviewItemParams,
  ReviewList,
  ReviewStartBody,
  MemberBody,
  MemberParams,
  PermissionList,
  ResetPasswordBody,
  RoleBody,
  RoleCopyBody,
  RoleDetail,
  RoleList,
  SchoolSettings,
  UserCreateBody,
  UserList,
  UserRolesBody,
} from '../../../contracts/admin.js';
import { endSession, listSessions } from '../../core/auth/routes.js';
import type { AuthDeps } from '../../core/auth/service.js';
import { type App, sessionOf } from '../../core/http.js';
import * as access from './service.js';
import { writeCsv } from '../../core/csv.js';
import type { HoldingRegistry } from '../../core/handover/registry.js';

const NoContent = { 204: z.null() };

/** User administration: accounts, roles, who is signed in, the school's limits. */
export function accessRoutes(app: App, d: AuthDeps & { policy: access.NetworkPolicy; holdings: HoldingRegistry }): void {
  app.get('/api/admin/users', { config: { permission: 'users.read' }, schema: { response: { 200: UserList } } }, async (req) => ({
    users: await access.listUsers(d, sessionOf(req).schoolId),
  }));
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

  // ---- Role editor (memo U1) ----
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

  // ---- Access reviews (memo U1) ----
  app.get(
    '/api/access-reviews',
    { config: { permission: 'access_reviews.review' }, schema: { response: { 200: ReviewList } } },
    async (req) => ({
      reviews: await access.listReviews(d, sessionOf(req).schoolId),
    }),
  );
  app.get(
    '/api/access-reviews/:id',
    { config: { permission: 'access_reviews.review' }, schema: { params: IdParam, response: { 200: ReviewDetail } } },
    async (req) => access.getReview(d, sessionOf(req).schoolId, req.params.id),
  );
  app.post(
    '/api/access-reviews',
    {
      config: { permission: 'access_reviews.manage' },
      schema: { body: ReviewStartBody, response: { 201: z.strictObject({ id: z.uuid() }) } },
    },
    async (req, reply) => reply.code(201).send({ id: await access.startReview(d, actorOf(req), req.body) }),
  );
  app.put(
    '/api/access-reviews/:id/items/:itemId',
    {
      config: { permission: 'access_reviews.review' },
      schema: { params: ReviewItemParams, body: ReviewDecisionBody, response: NoContent },
    },
    async (req, reply) => {
      await access.decide(d, actorOf(req), req.params.id, req.params.itemId, req.body);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/access-reviews/:id/complete',
    { config: { permission: 'access_reviews.manage' }, schema: { params: IdParam, body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await access.completeReview(d, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/access-reviews/:id/report',
    {
      config: { permission: 'access_reviews.review' },
      schema: { params: IdParam, querystring: z.strictObject({ format: z.enum(['csv', 'pdf']).default('csv') }) },
    },
    async (req, reply) => {
      const schoolId = sessionOf(req).schoolId;
      if (req.query.format === 'pdf') {
        return reply
          .type('application/pdf')
          .header('content-disposition', 'attachment; filename="access-review.pdf"')
          .send(await access.reviewReportPdf(d, schoolId, req.params.id));
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="access-review.csv"')
        .send(await access.reviewReport(d, schoolId, req.params.id));
    },
  );

  // ---- Network zones and time profiles (memo U2) ----
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

  // ---- Security notification list (memo U1) ----
  app.get(
    '/api/admin/notification-list',
    { config: { permission: 'notify.list.manage' }, schema: { response: { 200: NotificationListView } } },
    async (req) => access.getNotificationList(d, sessionOf(req).schoolId),
  );
  app.put(
    '/api/admin/notification-list',
    { config: { permission: 'notify.list.manage' }, schema: { body: NotificationListBody, response: NoContent } },
    async (req, reply) => {
      await access.putNotificationList(d, actorOf(req), req.body);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/admin/notification-list/reviewed',
    { config: { permission: 'notify.list.manage' }, schema: { body: EmptyBody, response: NoContent } },
    async (req, reply) => {
      await access.signOffNotificationList(d, actorOf(req));
      return reply.code(204).send(null);
    },
  );

  // ---- Handover (memo U3) ----
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
