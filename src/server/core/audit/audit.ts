import type { AuditAction } from '../../../contracts/audit.js';
import { sha256 } from '../crypto/secrets.js';
import type { Clock } from '../clock.js';
import type { Queryable } from '../db/types.js';
import { type AuditRow, CHAIN_PAGE, advanceChainHead, insertAuditRecord, listChainHeads, listChainRecords } from './queries.js';

export const PLATFORM_CHAIN = '00000000-0000-0000-0000-000000000000';

export interface AuditEntry {
  /** null for platform events (not tied to one school). */
  schoolId: string | null;
  actorId?: string | null;
  actorName?: string | null;
  action: AuditAction;
  target?: string | null;
  ip?: string | null;
  outcome?: 'success' | 'failure';
  details?: Record<string, unknown>;
}

/** Stable JSON: keys sorted at every level, so the same record always hashes the same. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

export function recordHash(prev: Buffer, r: AuditRow): Buffer {
  const body = canonical([
    r.chain_id,
    r.seq,
    r.occurred_at.toISOString(),
    r.actor_id,
    r.actor_name,
    r.action,
    r.target,
    r.ip,
    r.outcome,
    r.details,
  ]);
  return sha256(Buffer.concat([prev, Buffer.from(body)]));
}

/**
 * The one audit helper (DESIGN rule 3). Call it inside the transaction of the change it records,
 * so a failed change leaves no record and a record never exists without its change. The chain head
 * row is locked by the UPDATE until commit, which keeps each chain's records in one order.
 */
export async function audit(q: Queryable, clock: Clock, e: AuditEntry): Promise<void> {
  const chainId = e.schoolId ?? PLATFORM_CHAIN;
  const head = await advanceChainHead(q, chainId, clock.now());
  if (!head) throw new Error(`audit chain ${chainId} has no head`);
  const row: AuditRow = {
    chain_id: chainId,
    seq: head.seq,
    // Never earlier than the previous record, even if clocks of two processes disagree.
    occurred_at: head.last_at,
    actor_id: e.actorId ?? null,
    actor_name: e.actorName ?? null,
    action: e.action,
    target: e.target ?? null,
    ip: e.ip ?? null,
    outcome: e.outcome ?? 'success',
    details: JSON.parse(canonical(e.details ?? {})) as Record<string, unknown>,
  };
  const prev = Buffer.from(head.hash);
  const hash = recordHash(prev, row);
  await insertAuditRecord(q, row, e.schoolId, prev, hash);
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  broken?: { chainId: string; seq: number; reason: 'hash_mismatch' | 'link_mismatch' | 'gap' | 'head_mismatch' | 'time_order' };
}

/** Walk every chain in order and recompute each hash; report the first broken link. */
export async function verifyAudit(q: Queryable): Promise<VerifyResult> {
  const heads = await listChainHeads(q);
  let checked = 0;
  for (const head of heads) {
    let prev: Buffer = Buffer.alloc(32);
    let prevAt = 0;
    let expectSeq = 1;
    for (;;) {
      const rows = await listChainRecords(q, head.chain_id, expectSeq);
      for (const r of rows) {
        const broken = (reason: NonNullable<VerifyResult['broken']>['reason']) => ({
          ok: false,
          checked,
          broken: { chainId: head.chain_id, seq: r.seq, reason },
        });
        if (r.seq !== expectSeq) return { ok: false, checked, broken: { chainId: head.chain_id, seq: expectSeq, reason: 'gap' } };
        if (!Buffer.from(r.prev_hash).equals(prev)) return broken('link_mismatch');
        const h = recordHash(prev, r);
        if (!h.equals(Buffer.from(r.hash))) return broken('hash_mismatch');
        if (r.occurred_at.getTime() < prevAt) return broken('time_order');
        prevAt = r.occurred_at.getTime();
        prev = h;
        expectSeq++;
        checked++;
      }
      if (rows.length < CHAIN_PAGE) break;
    }
    if (expectSeq - 1 !== head.seq) return { ok: false, checked, broken: { chainId: head.chain_id, seq: expectSeq, reason: 'gap' } };
    if (head.seq > 0 && !prev.equals(Buffer.from(head.hash)))
      return { ok: false, checked, broken: { chainId: head.chain_id, seq: head.seq, reason: 'head_mismatch' } };
  }
  return { ok: true, checked };
}
