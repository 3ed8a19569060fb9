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

/** A chain head as a signed checkpoint vouched for it (see checkpoint.ts): record `seq` had hash `hash` at `at`. */
export interface Anchor {
  seq: number;
  hash: Buffer;
  at: string;
  /** Where the checkpoint stands in the file: lines are appended, so a lower line was written earlier. */
  line: number;
}

export type BrokenReason = 'hash_mismatch' | 'link_mismatch' | 'gap' | 'head_mismatch' | 'time_order' | 'truncated' | 'rewritten';

export interface VerifyResult {
  ok: boolean;
  checked: number;
  broken?: {
    chainId: string;
    seq: number;
    reason: BrokenReason;
    /** With checkpoints: the checkpoint the chain disagrees with (truncated, rewritten). */
    checkpoint?: Anchor;
    /** With checkpoints: the last record a checkpoint still vouches for in this chain (null: none). */
    vouched?: Anchor | null;
  };
}

/**
 * Walk every chain in order and recompute each hash; report the first broken link. With
 * `anchors` (each chain's checkpoints, by seq), a chain must also still hold every record a
 * checkpoint vouched for, with the same hash: a chain cut back (rows deleted, head moved) or
 * rewritten from some record on is found, and the last record still vouched for is named.
 */
export async function verifyAudit(q: Queryable, anchors?: ReadonlyMap<string, readonly Anchor[]>): Promise<VerifyResult> {
  const heads = await listChainHeads(q);
  let checked = 0;
  for (const head of heads) {
    let prev: Buffer = Buffer.alloc(32);
    let prevAt = 0;
    let expectSeq = 1;
    const marks = [...(anchors?.get(head.chain_id) ?? [])].sort((x, y) => x.seq - y.seq);
    let next = 0;
    const matched: Anchor[] = [];
    // The last record a checkpoint vouches for: the highest that still matches, among checkpoints
    // written before the one the chain now disagrees with (later ones may vouch for the damage).
    const vouchedBefore = (limit?: Anchor): Anchor | null =>
      matched.filter((x) => !limit || x.line < limit.line).reduce<Anchor | null>((best, x) => (!best || x.seq > best.seq ? x : best), null);
    while (next < marks.length && (marks[next]?.seq ?? 0) < 1) next++;
    for (;;) {
      const rows = await listChainRecords(q, head.chain_id, expectSeq);
      for (const r of rows) {
        const broken = (reason: BrokenReason, extra: { checkpoint?: Anchor } = {}): VerifyResult => ({
          ok: false,
          checked,
          broken: {
            chainId: head.chain_id,
            seq: r.seq,
            reason,
            ...extra,
            ...(anchors ? { vouched: vouchedBefore(extra.checkpoint) } : {}),
          },
        });
        if (r.seq !== expectSeq)
          return {
            ok: false,
            checked,
            broken: { chainId: head.chain_id, seq: expectSeq, reason: 'gap', ...(anchors ? { vouched: vouchedBefore() } : {}) },
          };
        if (!Buffer.from(r.prev_hash).equals(prev)) return broken('link_mismatch');
        const h = recordHash(prev, r);
        if (!h.equals(Buffer.from(r.hash))) return broken('hash_mismatch');
        if (r.occurred_at.getTime() < prevAt) return broken('time_order');
        for (let m = marks[next]; m && m.seq === r.seq; m = marks[++next]) {
          if (!m.hash.equals(h)) return broken('rewritten', { checkpoint: m });
          matched.push(m);
        }
        prevAt = r.occurred_at.getTime();
        prev = h;
        expectSeq++;
        checked++;
      }
      if (rows.length < CHAIN_PAGE) break;
    }
    const missing = marks[next];
    if (missing)
      return {
        ok: false,
        checked,
        broken: { chainId: head.chain_id, seq: expectSeq, reason: 'truncated', checkpoint: missing, vouched: vouchedBefore(missing) },
      };
    if (expectSeq - 1 !== head.seq) return { ok: false, checked, broken: { chainId: head.chain_id, seq: expectSeq, reason: 'gap' } };
    if (head.seq > 0 && !prev.equals(Buffer.from(head.hash)))
      return { ok: false, checked, broken: { chainId: head.chain_id, seq: head.seq, reason: 'head_mismatch' } };
  }
  // A chain a checkpoint vouched for that no longer exists at all.
  const known = new Set(heads.map((h) => h.chain_id));
  for (const [chainId, marks] of anchors ?? []) {
    const last = [...marks].sort((x, y) => y.seq - x.seq)[0];
    if (!known.has(chainId) && last && last.seq > 0)
      return { ok: false, checked, broken: { chainId, seq: 1, reason: 'truncated', checkpoint: last, vouched: null } };
  }
  return { ok: true, checked };
}
