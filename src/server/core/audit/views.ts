import type { z } from 'zod';
import type { AuditEntry } from '../../../contracts/audit.js';
import type { AuditEntryRow, AuditNameRow } from './queries.js';

/** The id a target names when it is a person or a role (`user:<id>`, `role:<id>`). */
export function targetRef(target: string | null): { kind: 'user' | 'role'; id: string } | null {
  const m = /^(user|role):([0-9a-f-]{36})$/.exec(target ?? '');
  return m?.[1] === 'user' || m?.[1] === 'role' ? { kind: m[1], id: m[2] ?? '' } : null;
}

export function toAuditEntryView(r: AuditEntryRow, names: Map<string, AuditNameRow> = new Map()): z.infer<typeof AuditEntry> {
  const actor = r.actor_id ? names.get(`user:${r.actor_id}`) : undefined;
  const ref = targetRef(r.target);
  const target = ref ? names.get(`${ref.kind}:${ref.id}`) : undefined;
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
    actorDisplay: actor ? { en: actor.name_en, zh: actor.name_zh } : null,
    targetName: target ? { en: target.name_en, zh: target.name_zh, roleKey: target.role_key } : null,
  };
}
