import type { Queryable } from '../../../core/db/types.js';
import type { Generated, RollExceptionView } from '../../school/service.js';

/** A return's data as stored (files, summary, reference date and the on-roll exceptions). */
export async function findReturnData(q: Queryable, id: string): Promise<Generated | undefined> {
  const [r] = await q.query<{ data: Generated }>('SELECT data FROM exchange_returns WHERE id = $1', [id]);
  return r?.data;
}

/** The return's on-roll exceptions replaced (an explanation added); a new version, the state unchanged. */
export async function setReturnExceptions(q: Queryable, id: string, exceptions: RollExceptionView[], at: Date): Promise<void> {
  await q.query(
    `UPDATE exchange_returns SET data = jsonb_set(data, '{exceptions}', $2::jsonb), updated_at = $3, version = version + 1 WHERE id = $1`,
    [id, JSON.stringify(exceptions), at],
  );
}
