import type { z } from 'zod';
import type { AuditPage, AuditQuery } from '../../../contracts/audit.js';
import type { Database } from '../db/types.js';
import { type AuditEntryRow, type AuditFilter, listAuditEntries, seqRangeOfPeriod } from './queries.js';
import { toAuditEntryView } from './views.js';

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
  const rows = await d.db.school(schoolId, async (q): Promise<AuditEntryRow[]> => {
    if (!f.from && !f.to) return listAuditEntries(q, schoolId, filter, f.limit + 1);
    // Time is ordered with seq within a chain (see audit()), so the period is a seq range.
    const seqRange = await seqRangeOfPeriod(q, schoolId, new Date(f.from ?? 0), new Date(f.to ?? '9999-12-31T00:00:00Z'));
    if (!seqRange) return [];
    return listAuditEntries(q, schoolId, { ...filter, seqRange }, f.limit + 1);
  });
  const page = rows.slice(0, f.limit);
  return {
    entries: page.map(toAuditEntryView),
    nextBefore: rows.length > f.limit ? (page[page.length - 1]?.seq ?? null) : null,
  };
}
