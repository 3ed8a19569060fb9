import type { z } from 'zod';
import type { ExplainExceptionBody } from '../../../../contracts/exchange.js';
import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { AppError } from '../../../core/errors.js';
import type { Generated, RollExceptionView } from '../../school/service.js';
import { type ExchangeDeps, event } from '../common.js';
import { assertStep, mayPrepare } from '../policy.js';
import { setReturnExceptions } from '../queries/roll-exceptions.js';
import { dutiesOf, returnRow, taskFor } from './records.js';

/**
 * On-roll students with no class on the reference date (never placed, or placed only after it).
 * Each blocks sending until the student is placed and the return generated again, or the preparer
 * explains it; the explanation is kept with the return and audited.
 */
export const openExceptions = (g: Pick<Generated, 'exceptions'>): RollExceptionView[] => (g.exceptions ?? []).filter((e) => !e.explanation);

/** Refuses to send a return while an exception is neither placed nor explained, naming each student. */
export function assertExceptionsClosed(g: Pick<Generated, 'exceptions'>): void {
  // The return page lists each one with its reason; the refusal only says why it cannot go.
  if (openExceptions(g).length) throw new AppError('roll_exceptions_open');
}

/** After generating again: an explanation stands for a student still an exception for the same reason. */
export function keepExplanations(fresh: RollExceptionView[] | undefined, before: RollExceptionView[] | undefined): RollExceptionView[] {
  const given = new Map((before ?? []).filter((e) => e.explanation).map((e) => [`${e.studentId}:${e.reason}`, e.explanation]));
  return (fresh ?? []).map((e) => ({ ...e, explanation: given.get(`${e.studentId}:${e.reason}`) ?? null }));
}

/** The owner or backup explains why an on-roll student has no class on the reference date. */
export async function explainException(d: ExchangeDeps, a: Actor, id: string, b: z.infer<typeof ExplainExceptionBody>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const r = await returnRow(q, id, true);
    const t = await taskFor(q, r.delivery_id);
    if (!mayPrepare(a.userId, dutiesOf(t))) throw new AppError('forbidden');
    assertStep('edit', r.state);
    if (r.version !== b.version) throw new AppError('version_conflict');
    const exceptions = r.data.exceptions ?? [];
    const target = exceptions.find((e) => e.studentId === b.studentId);
    if (!target) throw new AppError('not_found');
    const now = d.clock.now();
    const explanation = { text: b.explanation, by: a.username, at: now.toISOString() };
    await setReturnExceptions(
      q,
      id,
      exceptions.map((e) => (e.studentId === b.studentId ? { ...e, explanation } : e)),
      now,
    );
    await event(q, d.clock, {
      orgId: a.schoolId,
      deliveryId: r.delivery_id,
      returnId: id,
      event: 'roll_exception_explained',
      actor: a.username,
      details: { regNo: target.regNo, explanation: b.explanation },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.roll_exception_explained',
      target: `return:${id}`,
      details: {
        refNo: t.ref_no,
        student: `student:${target.studentId}`,
        regNo: target.regNo,
        reason: target.reason,
        explanation: b.explanation,
      },
    });
  });
}
