import type { SessionStage } from '../../../../contracts/auth.js';
import type { Queryable } from '../../db/types.js';

export async function insertSession(
  q: Queryable,
  s: {
    tokenHash: Buffer;
    schoolId: string;
    userId: string;
    stage: SessionStage;
    createdAt: Date;
    lastSeenAt: Date;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<string | undefined> {
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO sessions (token_hash, school_id, user_id, stage, created_at, last_seen_at, ip, user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [s.tokenHash, s.schoolId, s.userId, s.stage, s.createdAt, s.lastSeenAt, s.ip, s.userAgent],
  );
  return row?.id;
}

/** A session with its person's status and rights, as the session store caches it. */
export interface SessionRow {
  id: string;
  token_hash: Buffer;
  school_id: string;
  user_id: string;
  username: string;
  display_name_en: string;
  stage: SessionStage;
  created_at: Date;
  last_seen_at: Date;
  rotate: boolean;
  status: string;
  /** `permission:scope` pairs. */
  permissions: string[] | null;
  role_ids: string[] | null;
}

export async function findSession(q: Queryable, tokenHash: Buffer): Promise<SessionRow | undefined> {
  const [row] = await q.query<SessionRow>(
    `SELECT s.id, s.token_hash, s.school_id, s.user_id, u.username, u.display_name_en, s.stage, s.created_at,
            s.last_seen_at, s.rotate, u.status,
            (SELECT array_agg(DISTINCT rp.permission || ':' || rp.scope) FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
              WHERE ur.user_id = s.user_id) AS permissions,
            (SELECT array_agg(ur.role_id) FROM user_roles ur WHERE ur.user_id = s.user_id) AS role_ids
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`,
    [tokenHash],
  );
  return row;
}

export async function touchSession(q: Queryable, tokenHash: Buffer, at: Date): Promise<void> {
  await q.query('UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1', [tokenHash, at]);
}

/** Delete one session; false when it was already gone (so only one of two concurrent requests wins). */
export async function deleteSession(q: Queryable, tokenHash: Buffer): Promise<boolean> {
  const gone = await q.query('DELETE FROM sessions WHERE token_hash = $1 RETURNING id', [tokenHash]);
  return gone.length > 0;
}

export async function deleteSessions(q: Queryable, tokenHashes: Buffer[]): Promise<void> {
  await q.query('DELETE FROM sessions WHERE token_hash = ANY($1)', [tokenHashes]);
}

/** Mark a person's sessions for rotation; their token hashes. */
export async function markSessionsForRotation(q: Queryable, userId: string): Promise<Buffer[]> {
  const rows = await q.query<{ token_hash: Buffer }>('UPDATE sessions SET rotate = true WHERE user_id = $1 RETURNING token_hash', [userId]);
  return rows.map((r) => Buffer.from(r.token_hash));
}

export async function sessionHashesOfUser(q: Queryable, userId: string): Promise<Buffer[]> {
  const rows = await q.query<{ token_hash: Buffer }>('SELECT token_hash FROM sessions WHERE user_id = $1', [userId]);
  return rows.map((r) => Buffer.from(r.token_hash));
}

export interface SessionListRow {
  id: string;
  user_id: string;
  username: string;
  display_name_en: string;
  display_name_zh: string | null;
  created_at: Date;
  last_seen_at: Date;
  ip: string | null;
  user_agent: string | null;
  token_hash: Buffer;
}

/** The school's sessions, or one person's when `userId` is given; most recently active first. */
export async function listSessions(q: Queryable, userId: string | null): Promise<SessionListRow[]> {
  return q.query<SessionListRow>(
    `SELECT s.id, s.user_id, u.username, u.display_name_en, u.display_name_zh, s.created_at, s.last_seen_at, s.ip, s.user_agent, s.token_hash
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE ($1::uuid IS NULL OR s.user_id = $1) ORDER BY s.last_seen_at DESC LIMIT 500`,
    [userId],
  );
}

/** Delete a session by id (only one of `ownerId`'s when given); its token hash and owner, or undefined. */
export async function deleteSessionById(
  q: Queryable,
  sessionId: string,
  ownerId: string | null,
): Promise<{ token_hash: Buffer; user_id: string } | undefined> {
  const [row] = await q.query<{ token_hash: Buffer; user_id: string }>(
    'DELETE FROM sessions WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) RETURNING token_hash, user_id',
    [sessionId, ownerId],
  );
  return row;
}
