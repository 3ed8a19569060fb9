import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import type { SessionStore } from '../../../core/auth/sessions.js';
import { writeCsv } from '../../../core/csv.js';
import { AppError } from '../../../core/errors.js';
import { assertMayComplete } from '../policy.js';
import { type DecisionRow, applyRemovals, countUndecided, listDecisions, lockReview, markCompleted } from '../queries/reviews.js';
import { lockSchool } from '../queries/school.js';
import { assertAdminRemains } from '../rights.js';

/** The kept report: both languages in the headers, one row per decision. */
function reportCsv(items: DecisionRow[]): Buffer {
  return writeCsv(
    [
      'username 用戶名稱',
      'name 姓名',
      'role 角色',
      'recommendation 建議',
      'decision 決定',
      'reason 理由',
      'reviewer 覆核人',
      'decided at 決定時間 (UTC)',
    ],
    items.map((i) => [
      i.username,
      `${i.display_name_en} ${i.display_name_zh ?? ''}`.trim(),
      `${i.role_en} ${i.role_zh}`,
      i.recommendation,
      i.decision === 'keep' ? 'keep 保留' : 'remove 撤銷',
      i.reason,
      i.reviewer,
      i.decided_at.toISOString(),
    ]),
  );
}

/** All decided: apply every removal in one transaction, keep the report, and tell the people whose rights changed. */
export async function completeReview(d: AuthDeps & { sessions: SessionStore }, a: Actor, reviewId: string): Promise<void> {
  const hashes = await d.db.schoolTx(a.schoolId, async (q) => {
    await lockSchool(q, a.schoolId);
    const r = await lockReview(q, reviewId);
    if (!r) throw new AppError('not_found');
    assertMayComplete(r.status, await countUndecided(q, reviewId));
    const removed = await applyRemovals(q, reviewId);
    await assertAdminRemains(q);
    const items = await listDecisions(q, reviewId);
    await markCompleted(q, reviewId, { at: d.clock.now(), by: a.userId, reportCsv: reportCsv(items).toString('utf8') });
    await audit(q, d.clock, {
      ...who(a),
      action: 'access_reviews.completed',
      target: `review:${reviewId}`,
      details: { name: r.name, items: items.length, removed: removed.length },
    });
    const out: Buffer[] = [];
    for (const userId of new Set(removed.map((x) => x.user_id))) out.push(...(await d.sessions.rightsChanged(q, userId)));
    return out;
  });
  await d.sessions.forget(hashes);
}
