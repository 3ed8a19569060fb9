import type { KeyObject } from 'node:crypto';
import type { z } from 'zod';
import type { AuthorityCode } from '../../../contracts/exchange.js';
import { audit } from '../../core/audit/audit.js';
import type { Session } from '../../core/auth/sessions.js';
import type { Clock } from '../../core/clock.js';
import { publicOf, schoolKeyPairs, wordsToEntropy } from '../../core/crypto/school-key.js';
import type { Database, Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { securityEvent } from '../../core/notify/notify.js';

export type Actor = Session & { ip: string };
export const who = (a: Actor) => ({ schoolId: a.schoolId, actorId: a.userId, actorName: a.username, ip: a.ip });

export interface ExchangeDeps {
  db: Database;
  clock: Clock;
  smtpConfigured: boolean;
}

export const AUTHORITIES: Record<z.infer<typeof AuthorityCode>, { nameZh: string; nameEn: string; prefix: string }> = {
  EDB: { nameZh: '教育局', nameEn: 'Education Bureau', prefix: 'EDB' },
  HKEAA: { nameZh: '香港考試及評核局', nameEn: 'Hong Kong Examinations and Assessment Authority', prefix: 'EAA' },
};

export const DAY = 86_400_000;
export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
export const hkDay = (d: Date): string => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** Record a step in the exchange archive (the daily exchange log reads these). */
export async function event(
  q: Queryable,
  clock: Clock,
  e: { orgId: string; event: string; actor?: string | null; deliveryId?: string | null; messageId?: string | null; returnId?: string | null; details?: Record<string, unknown> },
): Promise<void> {
  await q.query(
    'INSERT INTO exchange_events (school_id, delivery_id, message_id, return_id, event, actor_name, details, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [e.orgId, e.deliveryId ?? null, e.messageId ?? null, e.returnId ?? null, e.event, e.actor ?? null, e.details ?? {}, clock.now()],
  );
}

export async function orgKind(q: Queryable, orgId: string): Promise<{ kind: 'school' | 'authority'; code: z.infer<typeof AuthorityCode> | null; schoolNumber: string }> {
  const [o] = await q.query<{ kind: 'school' | 'authority'; authority_code: z.infer<typeof AuthorityCode> | null; school_number: string }>(
    'SELECT kind, authority_code, school_number FROM schools WHERE id = $1',
    [orgId],
  );
  if (!o) throw new AppError('not_found');
  return { kind: o.kind, code: o.authority_code, schoolNumber: o.school_number };
}

export const KEY_FAILURE_LIMIT = 5;
const KEY_WINDOW_MS = 15 * 60_000;

/**
 * Unlock with the organisation's 24 words. Wrong words are counted per organisation like a wrong
 * password: from the 5th in 15 minutes, further tries are refused until the window passes. Each
 * failure is audited (in its own transaction, so it stays when the request fails).
 */
export async function unlockKey(d: ExchangeDeps, a: Actor, words: string[]): Promise<{ box: KeyObject; sign: KeyObject; fingerprint: string }> {
  const now = d.clock.now().getTime();
  const window = new Date(now - (now % KEY_WINDOW_MS));
  const key = `org-key:${a.schoolId}`;
  const [r] = await d.db.system((q) => q.query<{ count: number }>('SELECT count FROM rate_limits WHERE key = $1 AND window_start = $2', [key, window]));
  const retryAfter = Math.ceil((window.getTime() + KEY_WINDOW_MS - now) / 1000);
  if ((r?.count ?? 0) >= KEY_FAILURE_LIMIT) throw new AppError('rate_limited', { retryAfter });
  let entropy: Uint8Array | null = null;
  try {
    entropy = wordsToEntropy(words);
  } catch {
    entropy = null;
  }
  const [org] = await d.db.school(a.schoolId, (q) => q.query<{ key_fingerprint: string }>('SELECT key_fingerprint FROM schools WHERE id = $1', [a.schoolId]));
  const pub = entropy ? publicOf(entropy) : null;
  if (!entropy || !pub || pub.fingerprint !== org?.key_fingerprint) {
    const [c] = await d.db.system((q) =>
      q.query<{ count: number }>(
        `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
         ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 RETURNING count`,
        [key, window],
      ),
    );
    const failures = c?.count ?? 1;
    await d.db.schoolTx(a.schoolId, async (q) => {
      await audit(q, d.clock, { ...who(a), action: 'exchange.key_failed', outcome: 'failure', target: `school:${a.schoolId}`, details: { failures } });
      if (failures === KEY_FAILURE_LIMIT) {
        await securityEvent(q, d.clock, d.smtpConfigured, {
          schoolId: a.schoolId, event: 'school_key_locked', titleKey: 'notifications.schoolKeyLocked', params: { username: a.username, failures: String(failures) },
          subject: 'School key locked / 學校密碼匙暫停使用',
          body: `The school key was entered wrongly ${failures} times in 15 minutes (last by ${a.username} from ${a.ip}); unlocking is paused until ${new Date(window.getTime() + KEY_WINDOW_MS).toISOString()}.\n學校密碼匙於 15 分鐘內被輸入錯誤 ${failures} 次（最後一次由 ${a.username}），解鎖暫停。`,
          idemKey: `school-key-locked:${a.schoolId}:${window.getTime()}`, fallbackPermission: 'audit.read',
        });
      }
    });
    if (failures >= KEY_FAILURE_LIMIT) throw new AppError('rate_limited', { retryAfter });
    throw new AppError('school_key_wrong');
  }
  return { ...schoolKeyPairs(entropy), fingerprint: pub.fingerprint };
}

/** Only active people of the organisation holding `permission` may be named for it. */
export async function assertHolders(q: Queryable, ids: (string | null | undefined)[], permission: string): Promise<void> {
  const want = [...new Set(ids.filter((x): x is string => !!x))];
  if (!want.length) return;
  const [n] = await q.query<{ n: number }>(
    `SELECT count(DISTINCT u.id)::int AS n FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
     WHERE u.id = ANY($1) AND u.status = 'active' AND rp.permission = $2`,
    [want, permission],
  );
  if ((n?.n ?? 0) !== want.length) throw new AppError('grant_not_held');
}
