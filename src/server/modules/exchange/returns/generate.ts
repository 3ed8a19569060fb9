import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { hongKongDate } from '../../../core/clock.js';
import type { Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { type Generated, classSubjectReturn, enrolmentReturn, enrolmentStartReturn, headcountReturn } from '../../school/service.js';
import { type ExchangeDeps, event } from '../common.js';
import { assertMayGenerate, mayPrepare, mayStep } from '../policy.js';
import { setDeliveryPreparing } from '../queries/deliveries.js';
import {
  findPreviousEnrolment,
  insertAmendment,
  insertFirstReturn,
  lockLatestReturn,
  lockLatestReturnData,
  redraftReturn,
} from '../queries/returns.js';
import { type ReturnTaskRow, reopenTask, startTask } from '../queries/tasks.js';
import { findReturnData } from '../queries/roll-exceptions.js';
import { keepExplanations } from './exceptions.js';
import { dutiesOf, taskFor, validate } from './records.js';

/** Build the return's files from the school's records, as the template asks. */
async function generate(q: Queryable, deliveryId: string, t: ReturnTaskRow, today: string): Promise<Generated> {
  const tpl = t.content?.template;
  if (!tpl) throw new AppError('return_state');
  const ref = t.reference_date ?? today;
  switch (tpl.kind) {
    case 'headcount':
      return headcountReturn(q, ref);
    case 'enrolment_start':
      return enrolmentStartReturn(q, ref);
    case 'class_subject':
      return classSubjectReturn(q, ref);
    case 'enrolment': {
      // Changes are counted from the last enrolment return the authority received, against the roll it carried.
      // The last one of an earlier survey (not this one's own first submission, nor a later survey's).
      const prev = await findPreviousEnrolment(q, deliveryId, ref);
      const roll = prev?.data.files.find((f) => f.name === 'roll')?.rows ?? null;
      return enrolmentReturn(q, ref, prev ? (prev.reference_date ?? hongKongDate(prev.delivered_at)) : null, roll);
    }
    case 'manual':
      return { files: [{ name: 'data', columns: tpl.columns ?? [], rows: [] }], summary: {} };
  }
}

/**
 * Generate (or regenerate) the draft return for a delivery from the school's records. Only the
 * owner or backup prepares; a return the authority has received needs an explicit amendment.
 */
export async function generateReturn(d: ExchangeDeps, a: Actor, deliveryId: string): Promise<string> {
  return d.db.schoolTx(a.schoolId, async (q) => {
    const t = await taskFor(q, deliveryId, true);
    if (t.state !== 'imported') throw new AppError('content_locked');
    if (!t.content?.template) throw new AppError('return_state');
    if (!mayPrepare(a.userId, dutiesOf(t))) throw new AppError('forbidden');
    const latest = await lockLatestReturn(q, deliveryId);
    assertMayGenerate(latest?.state);
    const now = d.clock.now();
    const fresh = await generate(q, deliveryId, t, hongKongDate(now));
    // An explanation given for a student who is still an exception, for the same reason, stands.
    const g = latest
      ? { ...fresh, exceptions: keepExplanations(fresh.exceptions, (await findReturnData(q, latest.id))?.exceptions) }
      : fresh;
    const problems = validate(t, g);
    let id: string;
    if (latest) {
      id = latest.id;
      await redraftReturn(q, id, g, problems, a.userId, now);
    } else {
      id = await insertFirstReturn(q, {
        schoolId: a.schoolId,
        deliveryId,
        kind: t.content.template.kind,
        data: g,
        problems,
        preparedBy: a.userId,
        at: now,
      });
    }
    await startTask(q, deliveryId);
    await setDeliveryPreparing(q, deliveryId, now);
    const counts = Object.fromEntries(g.files.map((f) => [f.name, f.rows.length]));
    await event(q, d.clock, {
      orgId: a.schoolId,
      deliveryId,
      returnId: id,
      event: 'return_generated',
      actor: a.username,
      details: { rows: counts, problems: problems.length },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.return_generated',
      target: `return:${id}`,
      details: { refNo: t.ref_no, rows: counts, problems: problems.length },
    });
    return id;
  });
}

/** After a receipt, an amendment starts a new draft (amendment n+1) from the received data. */
export async function amendReturn(d: ExchangeDeps, a: Actor, deliveryId: string): Promise<string> {
  return d.db.schoolTx(a.schoolId, async (q) => {
    const t = await taskFor(q, deliveryId, true);
    if (!mayPrepare(a.userId, dutiesOf(t))) throw new AppError('forbidden');
    const latest = await lockLatestReturnData(q, deliveryId);
    if (!latest || !mayStep('amend', latest.state)) throw new AppError('return_state');
    const now = d.clock.now();
    const id = await insertAmendment(q, {
      schoolId: a.schoolId,
      deliveryId,
      amendment: latest.amendment + 1,
      kind: latest.kind,
      data: latest.data,
      problems: latest.problems,
      preparedBy: a.userId,
      at: now,
    });
    await reopenTask(q, deliveryId);
    await event(q, d.clock, {
      orgId: a.schoolId,
      deliveryId,
      returnId: id,
      event: 'amendment_started',
      actor: a.username,
      details: { amendment: latest.amendment + 1 },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.return_amended',
      target: `return:${id}`,
      details: { refNo: t.ref_no, amendment: latest.amendment + 1 },
    });
    return id ?? '';
  });
}
