import { AuditPage, AuditQuery } from '../../../contracts/audit.js';
import type { Database } from '../db/types.js';
import { type App, sessionOf } from '../http.js';

/**
 * The audit viewer. Keyset paging on (chain, seq) so page 1 and page 20,000 cost the same;
 * each filter has an index that leads with the chain.
 */
export function auditRoutes(app: App, d: { db: Database }): void {
  app.get('/api/audit', { config: { permission: 'audit.read' }, schema: { querystring: AuditQuery, response: { 200: AuditPage } } }, async (req) => {
    const s = sessionOf(req);
    const f = req.query;
    const where = ['chain_id = $1'];
    const params: unknown[] = [s.schoolId];
    const add = (cond: string, v: unknown) => {
      params.push(v);
      where.push(cond.replace('?', `$${params.length}`));
    };
    if (f.actor) add('actor_name = ?', f.actor.toLowerCase());
    if (f.action) add('action = ?', f.action);
    if (f.from) add('occurred_at >= ?', new Date(f.from));
    if (f.to) add('occurred_at < ?', new Date(f.to));
    if (f.before) add('seq < ?', f.before);
    params.push(f.limit + 1);
    const rows = await d.db.school(s.schoolId, (q) =>
      q.query<{ seq: number; occurred_at: Date; actor_id: string | null; actor_name: string | null; action: string; target: string | null; ip: string | null; outcome: 'success' | 'failure'; details: Record<string, unknown> }>(
        `SELECT seq, occurred_at, actor_id, actor_name, action, target, ip, outcome, details FROM audit_log
         WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${params.length}`,
        params,
      ),
    );
    const page = rows.slice(0, f.limit);
    return {
      entries: page.map((r) => ({
        seq: r.seq, occurredAt: r.occurred_at.toISOString(), actorId: r.actor_id, actorName: r.actor_name, action: r.action,
        target: r.target, ip: r.ip, outcome: r.outcome, details: r.details,
      })),
      nextBefore: rows.length > f.limit ? (page[page.length - 1]?.seq ?? null) : null,
    };
  });
}
