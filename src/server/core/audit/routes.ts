import { AuditPage, AuditQuery } from '../../../contracts/audit.js';
import type { Database } from '../db/types.js';
import { type App, sessionOf } from '../http.js';
import { auditPage } from './viewer.js';

/** The audit viewer: the school's own chain, filtered and paged. */
export function auditRoutes(app: App, d: { db: Database }): void {
  app.get(
    '/api/audit',
    { config: { permission: 'audit.read' }, schema: { querystring: AuditQuery, response: { 200: AuditPage } } },
    async (req) => auditPage(d, sessionOf(req).schoolId, req.query),
  );
}
