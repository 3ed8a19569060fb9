import { AuditPage, AuditQuery } from '../../../contracts/audit.js';
import type { Database } from '../db/types.js';
import { type App, sessionOf } from '../http.js';

/**
 * The audit viewer. Keyset paging on (chain, seq) so page 1 and page 20,000 cost the same;
 * each filter has an index that leads with the chain.
 */
export function auditRoutes(app: App, d: { db: Database }): void {
  app.get(
    '/api/audit',
    { config: { permission: 'audit.read' }, schema: { querystring: AuditQuery, response: { 200: AuditPage } } },
    async (req) => {
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
      const rows = await d.db.school(s.schoolId, async (q) => {
        if (f.from || f.to) {
          // Time is ordered with seq within a chain (see audit()), so the period is a seq range.
          const [b] = await q.query<{ lo: number | null; hi: number | null }>(
            `SELECT (SELECT seq FROM audit_log WHERE chain_id = $1 AND occurred_at >= $2 ORDER BY occurred_at, seq LIMIT 1) AS lo,
                  (SELECT seq FROM audit_log WHERE chain_id = $1 AND occurred_at < $3 ORDER BY occurred_at DESC, seq DESC LIMIT 1) AS hi`,
            [s.schoolId, new Date(f.from ?? 0), new Date(f.to ?? '9999-12-31T00:00:00Z')],
          );
          if (b?.lo == null || b.hi == null) return [];
          add('seq >= ?', b.lo);
          add('seq <= ?', b.hi);
        }
        params.push(f.limit + 1);
        return q.query<{
          seq: number;
          occurred_at: Date;
          actor_id: string | null;
          actor_name: string | null;
          action: string;
          target: string | null;
          ip: string | null;
          outcome: 'success' | 'failure';
          details: Record<string, unknown>;
        }>(
          `SELECT seq, occurred_at, actor_id, actor_name, action, target, ip, outcome, details FROM audit_log
         WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${params.length}`,
          params,
        );
      });
      const page = rows.slice(0, f.limit);
      return {
        entries: page.map((r) => ({
          seq: r.seq,
          occurredAt: r.occurred_at.toISOString(),
          actorId: r.actor_id,
          actorName: r.actor_name,
          action: r.action,
          target: r.target,
          ip: r.ip,
          outcome: r.outcome,
          details: r.details,
        })),
        nextBefore: rows.length > f.limit ? (page[page.length - 1]?.seq ?? null) : null,
      };
    },
  );
}
