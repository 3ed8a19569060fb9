import { AuditCheckpointView, AuditPage, AuditQuery } from '../../../contracts/audit.js';
import type { Database } from '../db/types.js';
import { type App, sessionOf } from '../http.js';
import type { AuditCheckpoints } from './checkpoint.js';
import { auditPage } from './viewer.js';

/** The audit viewer: the school's own chain, filtered and paged. */
export function auditRoutes(app: App, d: { db: Database; checkpoints: AuditCheckpoints }): void {
  app.get(
    '/api/audit',
    { config: { permission: 'audit.read' }, schema: { querystring: AuditQuery, response: { 200: AuditPage } } },
    async (req) => auditPage(d, sessionOf(req).schoolId, req.query),
  );
  // Only the school's own chain: how many other organisations the platform holds is not the school's business.
  app.get(
    '/api/audit/checkpoint',
    { config: { permission: 'audit.read' }, schema: { response: { 200: AuditCheckpointView } } },
    async (req) => d.checkpoints.status(sessionOf(req).schoolId),
  );
}
