import type { z } from 'zod';
import type { AuditEntry } from '../../../contracts/audit.js';
import type { AuditEntryRow } from './queries.js';

export function toAuditEntryView(r: AuditEntryRow): z.infer<typeof AuditEntry> {
  return {
    seq: r.seq,
    occurredAt: r.occurred_at.toISOString(),
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    target: r.target,
    ip: r.ip,
    outcome: r.outcome,
    details: r.details,
  };
}
