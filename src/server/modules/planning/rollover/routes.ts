import { z } from 'zod';
import { EmptyBody } from '../../../../contracts/account.js';
import {
  DecisionBody,
  MigrateBody,
  MigrationResult,
  NumberOrderBody,
  PlanClassesBody,
  RolloverPlanView,
  RolloverPreview,
  RolloverState,
  StudentParam,
  UndoResult,
} from '../../../../contracts/rollover.js';
import { ImportBody, ImportReport } from '../../../../contracts/school.js';
import { actorOf } from '../../../core/auth/actor.js';
import type { Deps } from '../../../core/deps.js';
import { type App, sessionOf } from '../../../core/http.js';
import {
  clearRolloverDecision,
  createRolloverPlan,
  rolloverDryRun,
  getRolloverPlan,
  getRolloverPreview,
  importIntake,
  migrateToNewYear,
  resetRolloverPlan,
  savePlanClasses,
  setRolloverDecision,
  setPlanNumberOrder,
  undoMigration,
} from '../service.js';

/** A file of up to 8 MB, as base64 inside JSON (as the school records' import). */
const IMPORT_BODY_LIMIT = 12 * 1024 * 1024;
const BASE = '/api/planning/rollover';

/** Planning the new year, dry run, migrate, reset and undo (memo O3, parts 3 and 4 of issue 11). */
export function rolloverRoutes(app: App, d: Deps): void {
  app.get(BASE, { config: { permission: 'planning.read' }, schema: { response: { 200: RolloverState } } }, async (req) => ({
    plan: await getRolloverPlan(d, sessionOf(req).schoolId),
  }));

  app.post(
    BASE,
    { config: { permission: 'planning.manage' }, schema: { body: EmptyBody, response: { 201: RolloverPlanView } } },
    async (req, reply) => reply.code(201).send(await createRolloverPlan(d, actorOf(req))),
  );

  app.delete(BASE, { config: { permission: 'planning.manage' }, schema: { response: { 204: z.null() } } }, async (req, reply) => {
    await resetRolloverPlan(d, actorOf(req));
    return reply.code(204).send(null);
  });

  app.put(
    `${BASE}/classes`,
    { config: { permission: 'planning.manage' }, schema: { body: PlanClassesBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await savePlanClasses(d, actorOf(req), req.body.version, req.body.classes);
      return reply.code(204).send(null);
    },
  );

  app.put(
    `${BASE}/order`,
    { config: { permission: 'planning.manage' }, schema: { body: NumberOrderBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await setPlanNumberOrder(d, actorOf(req), req.body.version, req.body.numberOrder);
      return reply.code(204).send(null);
    },
  );

  app.put(
    `${BASE}/decisions/:studentId`,
    { config: { permission: 'planning.manage' }, schema: { params: StudentParam, body: DecisionBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await setRolloverDecision(d, actorOf(req), req.params.studentId, req.body);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    `${BASE}/decisions/:studentId`,
    { config: { permission: 'planning.manage' }, schema: { params: StudentParam, response: { 204: z.null() } } },
    async (req, reply) => {
      await clearRolloverDecision(d, actorOf(req), req.params.studentId);
      return reply.code(204).send(null);
    },
  );

  app.get(`${BASE}/preview`, { config: { permission: 'planning.read' }, schema: { response: { 200: RolloverPreview } } }, async (req) =>
    getRolloverPreview(d, sessionOf(req)),
  );

  for (const step of ['preview', 'commit'] as const) {
    app.post(
      `${BASE}/intake/${step}`,
      {
        config: { permission: 'planning.manage' },
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: { body: ImportBody, response: { 200: ImportReport } },
      },
      async (req) => importIntake(d, actorOf(req), req.body.fileName, Buffer.from(req.body.contentBase64, 'base64'), step === 'commit'),
    );
  }

  app.post(
    `${BASE}/dry-run`,
    { config: { permission: 'planning.manage' }, schema: { body: EmptyBody, response: { 200: MigrationResult } } },
    async (req) => rolloverDryRun(d, actorOf(req)),
  );

  app.post(
    `${BASE}/migrate`,
    { config: { permission: 'planning.migrate' }, schema: { body: MigrateBody, response: { 200: MigrationResult } } },
    async (req) => migrateToNewYear(d, actorOf(req), req.body.confirm),
  );

  app.post(
    `${BASE}/undo`,
    { config: { permission: 'planning.migrate' }, schema: { body: EmptyBody, response: { 200: UndoResult } } },
    async (req) => undoMigration(d, actorOf(req)),
  );
}
