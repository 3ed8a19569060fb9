import type { z } from 'zod';
import type { MessageProgress, MessageSummary, ProgressQuery } from '../../../../contracts/exchange.js';
import type { Actor } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import { type ExchangeDeps, assertAuthority } from '../common.js';
import { findMessageDetail, listMessageSummaries, listSchoolProgress } from '../queries/progress.js';
import { toMessageDetailView, toMessageSummaryView, toSchoolProgressView } from '../views.js';

/** The authority's latest messages, each with how far its schools have got. */
export async function listMessages(d: ExchangeDeps, a: Actor): Promise<z.infer<typeof MessageSummary>[]> {
  return d.db.school(a.schoolId, async (q) => {
    await assertAuthority(q, a);
    const rows = await listMessageSummaries(q, d.clock.now());
    return rows.map(toMessageSummaryView);
  });
}

/** The progress view: one row per school, filtered and paged, with the message's totals. */
export async function messageProgress(
  d: ExchangeDeps,
  a: Actor,
  messageId: string,
  f: z.infer<typeof ProgressQuery>,
): Promise<z.infer<typeof MessageProgress>> {
  return d.db.school(a.schoolId, async (q) => {
    const now = d.clock.now();
    const m = await findMessageDetail(q, now, messageId);
    if (!m) throw new AppError('not_found');
    const rows = await listSchoolProgress(q, messageId, now, f);
    return { message: toMessageDetailView(m), schools: rows.map(toSchoolProgressView), total: rows[0]?.total ?? 0 };
  });
}
