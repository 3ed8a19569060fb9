import type { z } from 'zod';
import type { CorrectedRow } from '../../../../contracts/corrections.js';
import type { Queryable } from '../../../core/db/types.js';

/** The rows of a return corrected by hand (`exchange_returns.corrections`). */

export type CorrectedRowValue = z.infer<typeof CorrectedRow>;

export async function setReturnCorrections(q: Queryable, id: string, corrections: CorrectedRowValue[]): Promise<void> {
  await q.query('UPDATE exchange_returns SET corrections = $2 WHERE id = $1', [id, JSON.stringify(corrections)]);
}
