import type { SessionStage } from '../../../contracts/auth.js';
import type { Clock } from '../clock.js';
import { randomToken, sha256 } from '../crypto/secrets.js';
import type { Database, Queryable } from '../db/types.js';
import { AppError } from '../errors.js';
import {
  type SessionRow,
  deleteSession,
  deleteSessions,
  findSession,
  insertSession,
  markSessionsForRotation,
  sessionHashesOfUser,
  touchSession,
} from './queries/sessions.js';

export interface Session {
  id: string;
  tokenHash: Buffer;
  schoolId: string;
  userId: string;
  username: string;
  displayNameEn: string;
  stage: SessionStage;
  createdAt: Date;
  lastSeenAt: Date;
  rotate: boolean;
  permissions: ReadonlySet<string>;
  /** Permissions limited to the person's own classes (absent = whole school). */
  ownClassesOnly: ReadonlySet<string>;
  roleIds: readonly string[];
  /** The last address and minute the network rules were checked for (a cheap per-request memo). */
  networkChecked?: string;
}

export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

const CHANNEL = 'session_revoked';
/** last_seen_at is written at most this often, so reads do not turn into writes. */
const TOUCH_EVERY_MS = 60_000;

/** From `permission:scope` pairs: what is held, and what is held only for one's own classes (the broadest role wins). */
export function permissionSets(pairs: string[]): { permissions: Set<string>; ownClassesOnly: Set<string> } {
  const permissions = new Set<string>();
  const whole = new Set<string>();
  for (const pair of pairs) {
    const [p, scope] = pair.split(':') as [string, string];
    permissions.add(p);
    if (scope === 'school') whole.add(p);
  }
  return { permissions, ownClassesOnly: new Set([...permissions].filter((p) => !whole.has(p))) };
}

export const tokenHash = (token: string): Buffer => sha256(token);

/**
 * Sessions live in the database (so any process can serve any request) and are cached here.
 * Ending a session deletes the row and signals every process (LISTEN/NOTIFY), which drops its
 * cached copy at once; while that signal cannot be received, the cache is bypassed.
 */
export class SessionStore {
  private cache = new Map<string, Session>();
  private touched = new Map<string, number>();
  /** Bumped on every invalidation, so a load that raced with one is not cached. */
  private generation = 0;
  /** Told when a session ends, here or in another process (`*`: every session). */
  private ended: ((key: string) => void)[] = [];

  constructor(
    private db: Database,
    private clock: Clock,
    private timeouts: SessionTimeouts,
    private onError: (msg: string, err: unknown) => void,
  ) {}

  async start(): Promise<void> {
    await this.db.listen(
      CHANNEL,
      (payload) => {
        this.generation++;
        if (payload === '*') this.cache.clear();
        else this.cache.delete(payload);
        for (const fn of this.ended) fn(payload);
      },
      () => {
        this.generation++;
        this.cache.clear();
      },
    );
  }

  isExpired(s: Pick<Session, 'createdAt' | 'lastSeenAt'>, now = this.clock.now()): boolean {
    const t = now.getTime();
    return t - s.lastSeenAt.getTime() > this.timeouts.idleMs || t - s.createdAt.getTime() > this.timeouts.absoluteMs;
  }

  /** Create a session inside the caller's transaction; returns the cookie token. */
  async create(
    q: Queryable,
    s: { schoolId: string; userId: string; stage: SessionStage; ip: string | null; userAgent: string | null; createdAt?: Date },
  ): Promise<{ token: string; id: string }> {
    const token = randomToken(32);
    const now = this.clock.now();
    const id = await insertSession(q, {
      tokenHash: tokenHash(token),
      schoolId: s.schoolId,
      userId: s.userId,
      stage: s.stage,
      createdAt: s.createdAt ?? now,
      lastSeenAt: now,
      ip: s.ip,
      userAgent: s.userAgent?.slice(0, 300) ?? null,
    });
    if (!id) throw new Error('session not created');
    return { token, id };
  }

  /** The session for a cookie token, or null when unknown, expired, or the account is disabled. */
  async resolve(token: string): Promise<Session | null> {
    const hash = tokenHash(token);
    const key = hash.toString('base64url');
    const useCache = this.db.listening();
    let s = useCache ? this.cache.get(key) : undefined;
    const cached = !!s;
    if (!s) {
      const generation = this.generation;
      const row = await this.load(hash);
      if (!row || row.status !== 'active') return null;
      s = {
        id: row.id,
        tokenHash: hash,
        schoolId: row.school_id,
        userId: row.user_id,
        username: row.username,
        displayNameEn: row.display_name_en,
        stage: row.stage,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
        rotate: row.rotate,
        ...permissionSets(row.permissions ?? []),
        roleIds: row.role_ids ?? [],
      };
      if (useCache && generation === this.generation) this.cache.set(key, s);
      this.touched.set(key, s.lastSeenAt.getTime());
    }
    const now = this.clock.now();
    if (this.isExpired(s, now)) {
      // Another process may have seen more recent activity: decide on the stored row.
      const row = cached ? await this.load(hash) : undefined;
      if (row && !this.isExpired({ createdAt: row.created_at, lastSeenAt: row.last_seen_at }, now)) {
        s.lastSeenAt = row.last_seen_at;
      } else {
        await this.revoke([hash]);
        return null;
      }
    }
    s.lastSeenAt = now;
    const last = this.touched.get(key) ?? 0;
    if (now.getTime() - last >= TOUCH_EVERY_MS) {
      this.touched.set(key, now.getTime());
      await this.db.system((q) => touchSession(q, hash, now)).catch((err) => this.onError('could not record session activity', err));
    }
    return s;
  }

  private load(hash: Buffer): Promise<SessionRow | undefined> {
    return this.db.system((q) => findSession(q, hash));
  }

  /** Replace a session by a new id (at login steps and on any change of rights). */
  async rotate(q: Queryable, old: Session, stage: SessionStage, ip: string | null, userAgent: string | null): Promise<string> {
    // Only one of two concurrent requests may turn a session into a new one.
    if (!(await deleteSession(q, old.tokenHash))) throw new AppError('session_expired');
    const { token } = await this.create(q, { schoolId: old.schoolId, userId: old.userId, stage, ip, userAgent, createdAt: old.createdAt });
    return token;
  }

  /** Tell every process to forget these sessions (call after the deleting transaction commits). */
  async revoke(hashes: Buffer[]): Promise<void> {
    if (hashes.length === 0) return;
    await this.db.system((q) => deleteSessions(q, hashes));
    await this.forget(hashes);
  }

  async forget(hashes: Buffer[]): Promise<void> {
    this.generation++;
    for (const h of hashes) {
      const key = h.toString('base64url');
      this.cache.delete(key);
      this.touched.delete(key);
      for (const fn of this.ended) fn(key);
      await this.db.notify(CHANNEL, key);
    }
  }

  /** Call `fn` with the session's key (its token hash, base64url; `*` for all) whenever a session ends. */
  onEnd(fn: (key: string) => void): void {
    this.ended.push(fn);
  }

  /** Mark a person's sessions for rotation and drop cached rights after their roles changed. */
  rightsChanged(q: Queryable, userId: string): Promise<Buffer[]> {
    return markSessionsForRotation(q, userId);
  }

  /** Sessions of one user (for "sign out everywhere" after a password reset). */
  hashesOfUser(q: Queryable, userId: string): Promise<Buffer[]> {
    return sessionHashesOfUser(q, userId);
  }
}
