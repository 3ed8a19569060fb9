import type { Queryable } from '../db/types.js';

/** One audit record, as hashed and stored. */
export interface AuditRow {
  chain_id: string;
  seq: number;
  occurred_at: Date;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

export interface StoredAuditRow extends AuditRow {
  prev_hash: Buffer;
  hash: Buffer;
}

/** A new chain (a school's, or an authority's) starts at 0 with an all-zero hash. */
export async function insertChainHead(q: Queryable, chainId: string): Promise<void> {
  await q.query('INSERT INTO audit_heads (chain_id, school_id, seq, hash) VALUES ($1, $1, 0, $2)', [chainId, Buffer.alloc(32)]);
}

/**
 * Take the next place in a chain: its number, the previous record's hash, and a time never earlier
 * than the previous record's. The head row stays locked until commit.
 */
export async function advanceChainHead(
  q: Queryable,
  chainId: string,
  now: Date,
): Promise<{ seq: number; hash: Buffer; last_at: Date } | undefined> {
  const [head] = await q.query<{ seq: number; hash: Buffer; last_at: Date }>(
    'UPDATE audit_heads SET seq = seq + 1, last_at = greatest(last_at, $2) WHERE chain_id = $1 RETURNING seq, hash, last_at',
    [chainId, now],
  );
  return head;
}

/** Store a record and make its hash the chain's head. */
export async function insertAuditRecord(q: Queryable, r: AuditRow, schoolId: string | null, prevHash: Buffer, hash: Buffer): Promise<void> {
  await q.query(
    `WITH ins AS (
       INSERT INTO audit_log (chain_id, seq, school_id, occurred_at, actor_id, actor_name, action, target, ip, outcome, details, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING seq)
     UPDATE audit_heads SET hash = $13 WHERE chain_id = $1 AND seq = (SELECT seq FROM ins)`,
    [r.chain_id, r.seq, schoolId, r.occurred_at, r.actor_id, r.actor_name, r.action, r.target, r.ip, r.outcome, r.details, prevHash, hash],
  );
}

export async function listChainHeads(q: Queryable): Promise<{ chain_id: string; seq: number; hash: Buffer }[]> {
  return q.query<{ chain_id: string; seq: number; hash: Buffer }>('SELECT chain_id, seq, hash FROM audit_heads ORDER BY chain_id');
}

/** Records read per query when walking a chain. */
export const CHAIN_PAGE = 5000;

/** Up to CHAIN_PAGE records of a chain from `fromSeq` on, in order. */
export async function listChainRecords(q: Queryable, chainId: string, fromSeq: number): Promise<StoredAuditRow[]> {
  return q.query<StoredAuditRow>(
    `SELECT chain_id, seq, occurred_at, actor_id, actor_name, action, target, ip, outcome, details, prev_hash, hash
     FROM audit_log WHERE chain_id = $1 AND seq >= $2 ORDER BY seq LIMIT ${CHAIN_PAGE}`,
    [chainId, fromSeq],
  );
}

/**
 * The seq range of a chain's records in a period (time is ordered with seq within a chain), or
 * null when the period holds none.
 */
export async function seqRangeOfPeriod(q: Queryable, chainId: string, from: Date, to: Date): Promise<{ lo: number; hi: number } | null> {
  const [b] = await q.query<{ lo: number | null; hi: number | null }>(
    `SELECT (SELECT seq FROM audit_log WHERE chain_id = $1 AND occurred_at >= $2 ORDER BY occurred_at, seq LIMIT 1) AS lo,
          (SELECT seq FROM audit_log WHERE chain_id = $1 AND occurred_at < $3 ORDER BY occurred_at DESC, seq DESC LIMIT 1) AS hi`,
    [chainId, from, to],
  );
  if (b?.lo == null || b.hi == null) return null;
  return { lo: b.lo, hi: b.hi };
}

export interface AuditEntryRow {
  seq: number;
  occurred_at: Date;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  outcome: 'success' | 'failure';
  details: Record<string, unknown>;
}

/** What the audit viewer filters by; every filter has an index that leads with the chain. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date;
  /** Only records before this seq (the next page). */
  before?: number;
  /** The seq range of the period from/to (see seqRangeOfPeriod). */
  seqRange?: { lo: number; hi: number };
}

/** One page of a chain's records, newest first (keyset paging on seq). */
export async function listAuditEntries(q: Queryable, chainId: string, f: AuditFilter, limit: number): Promise<AuditEntryRow[]> {
  const where = ['chain_id = $1'];
  const params: unknown[] = [chainId];
  const add = (cond: string, v: unknown) => {
    params.push(v);
    where.push(cond.replace('?', `$${params.length}`));
  };
  if (f.actor) add('actor_name = ?', f.actor);
  if (f.action) add('action = ?', f.action);
  if (f.from) add('occurred_at >= ?', f.from);
  if (f.to) add('occurred_at < ?', f.to);
  if (f.before) add('seq < ?', f.before);
  if (f.seqRange) {
    add('seq >= ?', f.seqRange.lo);
    add('seq <= ?', f.seqRange.hi);
  }
  params.push(limit);
  return q.query<AuditEntryRow>(
    `SELECT seq, occurred_at, actor_id, actor_name, action, target, ip, outcome, details FROM audit_log
         WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
}

/** A person or role an audit page names, in both languages (a role's template key lets the web translate a built-in one). */
export interface AuditNameRow {
  id: string;
  kind: 'user' | 'role';
  name_en: string;
  name_zh: string | null;
  role_key: string | null;
}

/** The names of the people and roles a page of records is about (ids of other schools find nothing under row-level security). */
export async function listAuditNames(q: Queryable, userIds: string[], roleIds: string[]): Promise<AuditNameRow[]> {
  if (!userIds.length && !roleIds.length) return [];
  return q.query<AuditNameRow>(
    `SELECT id, 'user' AS kind, display_name_en AS name_en, display_name_zh AS name_zh, NULL AS role_key FROM users WHERE id = ANY($1::uuid[])
     UNION ALL
     SELECT id, 'role' AS kind, name_en, name_zh, template_key AS role_key FROM roles WHERE id = ANY($2::uuid[])`,
    [userIds, roleIds],
  );
}
