import { IdParam } from '../../../contracts/account.js';
import { JobView, StaffExportJobBody, StudentsExportJobBody } from '../../../contracts/jobs.js';
import { actorOf } from '../../core/auth/actor.js';
import type { Deps } from '../../core/deps.js';
import type { App } from '../../core/http.js';
import * as jobs from './service.js';

/**
 * Background jobs: each kind is started by its own route under its own right; the job's progress and
 * file are the requester's own (`self`), with the kind's right checked again before the file leaves.
 */
export function jobRoutes(app: App, deps: Deps): void {
  const d: jobs.JobDeps = { db: deps.db, clock: deps.clock, serverKey: deps.serverKey, log: deps.log };
  app.post(
    '/api/jobs/students-export',
    { config: { permission: 'students.read' }, schema: { body: StudentsExportJobBody, response: { 202: JobView } } },
    async (req, reply) => reply.code(202).send(await jobs.startJob(d, actorOf(req), { kind: 'students_export', params: req.body })),
  );
  app.post(
    '/api/jobs/staff-export',
    { config: { permission: 'staff.read' }, schema: { body: StaffExportJobBody, response: { 202: JobView } } },
    async (req, reply) => reply.code(202).send(await jobs.startJob(d, actorOf(req), { kind: 'staff_export', params: req.body })),
  );
  app.get('/api/jobs/:id', { config: { self: true }, schema: { params: IdParam, response: { 200: JobView } } }, async (req) =>
    jobs.readJob(d, actorOf(req), req.params.id),
  );
  app.get('/api/jobs/:id/file', { config: { self: true }, schema: { params: IdParam } }, async (req, reply) => {
    const f = await jobs.jobFile(d, actorOf(req), req.params.id);
    return reply.type(f.type).header('content-disposition', `attachment; filename="${f.name}"`).send(f.body);
  });
}
