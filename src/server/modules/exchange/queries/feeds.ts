import type { Queryable } from '../../../core/db/types.js';

/** Personal calendar feeds (`calendar_feeds`): one secret address per person, kept only as its hash. */

export async function findFeedCreatedAt(q: Queryable, userId: string): Promise<Date | undefined> {
  const [f] = await q.query<{ created_at: Date }>('SELECT created_at FROM calendar_feeds WHERE user_id = $1', [userId]);
  return f?.created_at;
}

/** A new address for the person (the old one stops working). */
export async function upsertFeed(q: Queryable, userId: string, schoolId: string, tokenHash: Buffer, at: Date): Promise<void> {
  await q.query(
    `INSERT INTO calendar_feeds (user_id, school_id, token_hash, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET token_hash = $3, created_at = $4`,
    [userId, schoolId, tokenHash, at],
  );
}

export async function deleteFeed(q: Queryable, userId: string): Promise<void> {
  await q.query('DELETE FROM calendar_feeds WHERE user_id = $1', [userId]);
}

export interface FeedOwnerRow {
  user_id: string;
  school_id: string;
}

/** Whose feed the address is (a platform query): only while its owner is active and still holds exchange.read. */
export async function findFeedOwner(q: Queryable, tokenHash: Buffer): Promise<FeedOwnerRow | undefined> {
  const [f] = await q.query<FeedOwnerRow>(
    `SELECT f.user_id, f.school_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id
       WHERE f.token_hash = $1 AND u.status = 'active'
         AND EXISTS (SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id WHERE ur.user_id = u.id AND rp.permission = 'exchange.read')`,
    [tokenHash],
  );
  return f;
}
