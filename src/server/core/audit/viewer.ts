import type { z } from 'zod';
import type { AuditPage, AuditQuery } from '../../../contracts/audit.js';
import type { Database, Queryable } from '../db/types.js';
import { type AuditEntryRow, type AuditFilter, type AuditNameRow, listAuditEntries, listAuditNames, seqRangeOfPeriod } from './queries.js';
import { targetRef, toAuditEntryView } from './views.js';

/**
 * One page of a school's audit log, newest first. Keyset paging on (chain, seq) so page 1 and page
 * 20,000 cost the same; a period is turned into a seq range first.
 */
export async function auditPage(d: { db: Database }, schoolId: string, f: z.infer<typeof AuditQuery>): Promise<z.infer<typeof AuditPage>> {
  const filter: AuditFilter = {
    actor: f.actor?.toLowerCase(),
    action: f.action,
    from: f.from ? new Date(f.from) : undefined,
    to: f.to ? new Date(f.to) : undefined,
    before: f.before,
  };
  const { rows, names } = await d.db.school(schoolId, async (q) => {
    const found = await entries(q);
    // People and roles by name, not by id (issue 14: no hex id reaches a person).
    const page = found.slice(0, f.limit);
    const refs = page.map((r) => targetRef(r.target));
    const userIds = [
      ...new Set([...page.flatMap((r) => (r.actor_id ? [r.actor_id] : [])), ...refs.flatMap((x) => (x?.kind === 'user' ? [x.id] : []))]),
    ];
    const roleIds = [...new Set(refs.flatMap((x) => (x?.kind === 'role' ? [x.id] : [])))];
    const named = await listAuditNames(q, userIds, roleIds);
    return { rows: found, names: new Map<string, AuditNameRow>(named.map((n) => [`${n.kind}:${n.id}`, n])) };

    async function entries(q: Queryable): Promise<AuditEntryRow[]> {
      if (!f.from && !f.to) return listAuditEntries(q, schoolId, filter, f.limit + 1);
      // Time is ordered with seq within a chain (see audit()), so the period is a seq range.
      const seqRange = await seqRangeOfPeriod(q, schoolId, new Date(f.from ?? 0), new Date(f.to ?? '9999-12-31T00:00:00Z'));
      if (!seqRange) return [];
      return listAuditEntries(q, schoolId, { ...filter, seqRange }, f.limit + 1);
    }
  });
  const page = rows.slice(0, f.limit);
  return {
    entries: page.map((r) => toAuditEntryView(r, names)),
    nextBefore: rows.length > f.limit ? (page[page.length - 1]?.seq ?? null) : null,
  };
}
