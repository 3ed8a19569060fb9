import type { KeyObject } from 'node:crypto';
import type { z } from 'zod';
import type { AuthorityCode } from '../../../contracts/exchange.js';
import { audit } from '../../core/audit/audit.js';
import { type Actor, who } from '../../core/auth/actor.js';
import type { Clock } from '../../core/clock.js';
import { publicOf, schoolKeyPairs, wordsToEntropy } from '../../core/crypto/school-key.js';
import type { Database, Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { securityEvent } from '../../core/notify/notify.js';

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

/** Record a step in the exchange archive (the daily exchange log reads these). */
export async function event(
  q: Queryable,
  clock: Clock,
  e: {
    orgId: string;
    event: string;
    actor?: string | null;
    deliveryId?: string | null;
    messageId?: string | null;
    returnId?: string | null;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await q.query(
    'INSERT INTO exchange_events (school_id, delivery_id, message_id, return_id, event, actor_name, details, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [e.orgId, e.deliveryId ?? null, e.messageId ?? null, e.returnId ?? null, e.event, e.actor ?? null, e.details ?? {}, clock.now()],
  );
}

export async function orgKind(
  q: Queryable,
  orgId: string,
): Promise<{ kind: 'school' | 'authority'; code: z.infer<typeof AuthorityCode> | null; schoolNumber: string }> {
  const [o] = await q.query<{ kind: 'school' | 'authority'; authority_code: z.infer<typeof AuthorityCode> | null; school_number: string }>(
    'SELECT kind, authority_code, school_number FROM schools WHERE id = $1',
    [orgId],
  );
  if (!o) throw new AppError('not_found');
  return { kind: o.kind, code: o.authority_code, schoolNumber: o.school_number };
}

export const KEY_FAILURE_LIMIT = 5;
const KEY_WINDOW_MS = 15 * 60_000;

type Unlocked = { box: KeyObject; sign: KeyObject; fingerprint: string };

/**
 * Unlock with the organisation's 24 words. Wrong words are counted per organisation like a wrong
 * password, over the last 15 minutes: from the 5th, every try is refused until the oldest of them is
 * 15 minutes old. Tries are taken one at a time per organisation (the organisation's row is locked),
 * so parallel requests cannot each slip under the limit. Each failure is audited, and the 5th is a
 * security event; both are committed, then the request is refused.
 */
export async function unlockKey(d: ExchangeDeps, a: Actor, words: string[]): Promise<Unlocked> {
  let entropy: Uint8Array | null;
  try {
    entropy = wordsToEntropy(words);
  } catch {
    entropy = null;
  }
  const pub = entropy ? publicOf(entropy) : null;
  const outcome = await d.db.schoolTx(a.schoolId, async (q): Promise<{ refused: number } | { wrong: true } | { ok: true }> => {
    const [org] = await q.query<{ key_fingerprint: string }>('SELECT key_fingerprint FROM schools WHERE id = $1 FOR UPDATE', [a.schoolId]);
    const now = d.clock.now().getTime();
    const [f] = await q.query<{ n: number; first: Date | null }>(
      `SELECT count(*)::int AS n, min(occurred_at) AS first FROM audit_log WHERE chain_id = $1 AND action = 'exchange.key_failed' AND occurred_at > $2`,
      [a.schoolId, new Date(now - KEY_WINDOW_MS)],
    );
    const failures = f?.n ?? 0;
    if (failures >= KEY_FAILURE_LIMIT)
      return { refused: Math.max(1, Math.ceil(((f?.first?.getTime() ?? now) + KEY_WINDOW_MS - now) / 1000)) };
    if (pub && pub.fingerprint === org?.key_fingerprint) return { ok: true };
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.key_failed',
      outcome: 'failure',
      target: `school:${a.schoolId}`,
      details: { failures: failures + 1 },
    });
    if (failures + 1 === KEY_FAILURE_LIMIT) {
      await securityEvent(q, d.clock, d.smtpConfigured, {
        schoolId: a.schoolId,
        event: 'school_key_locked',
        titleKey: 'notifications.schoolKeyLocked',
        params: { username: a.username, failures: String(failures + 1) },
        subject: 'School key locked / 學校密碼匙暫停使用',
        body: `The school key was entered wrongly ${failures + 1} times in 15 minutes (last by ${a.username} from ${a.ip}); unlocking is paused for 15 minutes.\n學校密碼匙於 15 分鐘內被輸入錯誤 ${failures + 1} 次（最後一次由 ${a.username}），解鎖暫停 15 分鐘。`,
        idemKey: `school-key-locked:${a.schoolId}:${now}`,
        fallbackPermission: 'audit.read',
      });
    }
    return { wrong: true };
  });
  if ('refused' in outcome) throw new AppError('rate_limited', { retryAfter: outcome.refused });
  if ('wrong' in outcome || !entropy || !pub) throw new AppError('school_key_wrong');
  return { ...schoolKeyPairs(entropy), fingerprint: pub.fingerprint };
}

/** Owner, backup and checker are different people (where named): nobody checks their own work. */
export function assertDistinct(people: { ownerId: string | null; backupId: string | null; checkerId: string | null }): void {
  const named = [people.ownerId, people.backupId, people.checkerId].filter((x): x is string => !!x);
  if (new Set(named).size !== named.length)
    throw new AppError('same_person_twice', { errors: [{ path: 'checkerId', code: 'same_person' }] });
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
  if ((n?.n ?? 0) !== want.length) throw new AppError('person_lacks_right');
}
