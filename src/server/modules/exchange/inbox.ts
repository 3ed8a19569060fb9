import { z } from 'zod';
import { type Actor, who } from '../../core/auth/actor.js';
import {
  type AssignBody,
  CATEGORIES,
  type InboxDetail,
  type InboxItem,
  type InboxQuery,
  type ProcedureBody,
  ReturnTemplate,
  Attachment,
} from '../../../contracts/exchange.js';
import { audit } from '../../core/audit/audit.js';
import { openContent, unwrapKey } from '../../core/crypto/envelope.js';
import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { notifyUser } from '../../core/notify/notify.js';
import { AUTHORITIES, DAY, type ExchangeDeps, assertDistinct, assertHolders, event, iso, orgKind, unlockKey } from './common.js';

/** What an imported message holds once decrypted; anything else is an import failure. */
const Content = z.strictObject({
  bodyZh: z.string(),
  bodyEn: z.string(),
  attachments: z.array(Attachment),
  template: ReturnTemplate.nullable(),
});
export type MessageContent = z.infer<typeof Content>;

async function assertSchool(q: Queryable, a: Actor) {
  const o = await orgKind(q, a.schoolId);
  if (o.kind !== 'school') throw new AppError('forbidden');
  return o;
}

const DUE_SOON_MS = 3 * DAY;
export const dueStateSql = (
  now: string,
) => `CASE WHEN t.status IN ('submitted', 'done') THEN 'done' WHEN t.internal_due < ${now} THEN 'overdue'
  WHEN t.internal_due < ${now} + interval '${DUE_SOON_MS / DAY} days' THEN 'due_soon' ELSE 'on_track' END`;

type ItemRow = {
  id: string;
  ref_no: string;
  code: 'EDB' | 'HKEAA';
  category: string;
  subject_code: string;
  type_code: string;
  priority: string;
  title_zh: string;
  title_en: string;
  reference_date: string | null;
  deadline: Date;
  delivered_at: Date;
  opened_at: Date | null;
  state: string;
  has_template: boolean;
  status: string;
  due_state: string;
  internal_due: Date;
  owner_id: string | null;
  owner: string | null;
  backup_id: string | null;
  backup: string | null;
  checker_id: string | null;
  checker: string | null;
  return_state: string | null;
  failure: string | null;
  content: MessageContent | null;
  total: number;
};
const ITEM_SQL = (now: string) => `
  SELECT dl.id, dl.ref_no, dl.authority_code AS code, dl.category, dl.subject_code, dl.type_code, dl.priority, dl.title_zh, dl.title_en, dl.reference_date::text,
         dl.deadline, dl.delivered_at, dl.opened_at, dl.state, dl.has_template, dl.failure, t.status, ${dueStateSql(now)} AS due_state, t.internal_due,
         t.owner_id, coalesce(uo.display_name_zh, uo.display_name_en) AS owner, t.backup_id, coalesce(ub.display_name_zh, ub.display_name_en) AS backup,
         t.checker_id, coalesce(uc.display_name_zh, uc.display_name_en) AS checker, t.content,
         (SELECT r.state FROM exchange_returns r WHERE r.delivery_id = dl.id ORDER BY r.amendment DESC LIMIT 1) AS return_state,
         count(*) OVER ()::int AS total
  FROM exchange_deliveries dl JOIN exchange_tasks t ON t.delivery_id = dl.id
  LEFT JOIN users uo ON uo.id = t.owner_id LEFT JOIN users ub ON ub.id = t.backup_id LEFT JOIN users uc ON uc.id = t.checker_id`;

const person = (id: string | null, name: string | null) => (id ? { id, name: name ?? '' } : null);
function item(r: ItemRow): z.infer<typeof InboxItem> {
  const auth = AUTHORITIES[r.code];
  return {
    id: r.id,
    refNo: r.ref_no,
    authority: { code: r.code, nameZh: auth.nameZh, nameEn: auth.nameEn },
    category: r.category as never,
    subjectCode: r.subject_code,
    typeCode: r.type_code,
    priority: r.priority as never,
    titleZh: r.title_zh,
    titleEn: r.title_en,
    referenceDate: r.reference_date,
    deadline: r.deadline.toISOString(),
    deliveredAt: r.delivered_at.toISOString(),
    openedAt: iso(r.opened_at),
    state: r.state as never,
    hasTemplate: r.has_template,
    status: r.status as never,
    dueState: r.due_state as never,
    internalDue: r.internal_due.toISOString(),
    owner: person(r.owner_id, r.owner),
    backup: person(r.backup_id, r.backup),
    checker: person(r.checker_id, r.checker),
    returnState: r.return_state as never,
  };
}

export async function listInbox(d: ExchangeDeps, a: Actor, f: z.infer<typeof InboxQuery>) {
  return d.db.school(a.schoolId, async (q) => {
    const where: string[] = ['dl.school_id = app_school()'];
    const params: unknown[] = [d.clock.now()];
    if (f.status) where.push(`t.status = $${params.push(f.status)}`);
    if (f.category) where.push(`dl.category = $${params.push(f.category)}`);
    if (f.dueState) where.push(`${dueStateSql('$1')} = $${params.push(f.dueState)}`);
    if (f.mine === 'true') where.push(`$${params.push(a.userId)} IN (t.owner_id, t.backup_id, t.checker_id)`);
    if (f.q)
      where.push(
        `(dl.ref_no ILIKE $${params.push(`%${f.q}%`)} OR dl.title_en ILIKE $${params.length} OR dl.title_zh LIKE $${params.length} OR dl.subject_code ILIKE $${params.length})`,
      );
    const rows = await q.query<ItemRow>(
      `${ITEM_SQL('$1')} WHERE ${where.join(' AND ')} ORDER BY dl.deadline, dl.ref_no LIMIT ${f.limit} OFFSET ${f.offset}`,
      params,
    );
    const [locked] = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM exchange_deliveries WHERE school_id = app_school() AND state = 'encrypted'`,
    );
    return { items: rows.map(item), total: rows[0]?.total ?? 0, locked: locked?.n ?? 0 };
  });
}

/** One message with its content (once imported), returns and history. The first look marks it opened. */
export async function inboxDetail(d: ExchangeDeps, a: Actor, id: string): Promise<z.infer<typeof InboxDetail>> {
  return d.db.schoolTx(a.schoolId, async (q) => {
    const [r] = await q.query<ItemRow>(`${ITEM_SQL('$1')} WHERE dl.id = $2 AND dl.school_id = app_school()`, [d.clock.now(), id]);
    if (!r) throw new AppError('not_found');
    if (!r.opened_at) {
      await q.query('UPDATE exchange_deliveries SET opened_at = $2 WHERE id = $1', [id, d.clock.now()]);
      await event(q, d.clock, { orgId: a.schoolId, deliveryId: id, event: 'opened', actor: a.username });
      r.opened_at = d.clock.now();
    }
    const returns = await q.query<{
      id: string;
      amendment: number;
      state: string;
      updated_at: Date;
      package_hash: string | null;
      receipt_hash: string | null;
    }>(
      'SELECT id, amendment, state, updated_at, package_hash, receipt_hash FROM exchange_returns WHERE delivery_id = $1 ORDER BY amendment DESC',
      [id],
    );
    const events = await q.query<{ at: Date; event: string; actor_name: string | null; details: Record<string, unknown> }>(
      'SELECT at, event, actor_name, details FROM exchange_events WHERE delivery_id = $1 ORDER BY at, id',
      [id],
    );
    const c = r.content;
    return {
      ...item(r),
      failure: r.failure,
      content: c
        ? {
            bodyZh: c.bodyZh,
            bodyEn: c.bodyEn,
            template: c.template,
            attachments: c.attachments.map((x) => ({ name: x.name, size: Buffer.from(x.contentBase64, 'base64').length })),
          }
        : null,
      returns: returns.map((x) => ({
        id: x.id,
        amendment: x.amendment,
        state: x.state as never,
        updatedAt: x.updated_at.toISOString(),
        packageHash: x.package_hash,
        receiptHash: x.receipt_hash,
      })),
      events: events.map((e) => ({ at: e.at.toISOString(), event: e.event, actor: e.actor_name, details: e.details })),
    };
  });
}

export async function attachment(d: ExchangeDeps, a: Actor, id: string, index: number): Promise<{ name: string; body: Buffer }> {
  const [t] = await d.db.school(a.schoolId, (q) =>
    q.query<{ content: MessageContent | null }>('SELECT content FROM exchange_tasks WHERE delivery_id = $1', [id]),
  );
  if (!t) throw new AppError('not_found');
  if (!t.content) throw new AppError('content_locked');
  const f = t.content.attachments[index];
  if (!f) throw new AppError('not_found');
  return { name: f.name, body: Buffer.from(f.contentBase64, 'base64') };
}

/**
 * Unlock with the school key and import every message still encrypted: each is decrypted (or marked
 * decrypt_failed, with the reason) and its content imported into the task (or import_failed). The
 * words were checked against the key's fingerprint first, so a failure here is the message's, not the
 * person's: it is not retried, and the authority is asked to send it again.
 */
export async function unlockInbox(d: ExchangeDeps, a: Actor, words: string[]): Promise<{ imported: number; failed: number }> {
  await d.db.school(a.schoolId, (q) => assertSchool(q, a));
  const keys = await unlockKey(d, a, words);
  return d.db.schoolTx(a.schoolId, async (q) => {
    const rows = await q.query<{
      id: string;
      envelope: { eph: string; key: string; keyFingerprint: string };
      message_id: string;
      ciphertext: string;
    }>(
      `SELECT dl.id, dl.envelope, dl.message_id, c.ciphertext FROM exchange_deliveries dl JOIN exchange_contents c ON c.id = dl.content_id
       WHERE dl.school_id = app_school() AND dl.state = 'encrypted' FOR UPDATE OF dl`,
    );
    let imported = 0;
    let failed = 0;
    const now = d.clock.now();
    for (const r of rows) {
      let plain: Buffer;
      try {
        const dataKey = unwrapKey({ eph: r.envelope.eph, key: r.envelope.key }, keys.box, `msg:${r.message_id}:${a.schoolId}`);
        plain = openContent(dataKey, r.ciphertext, `msg:${r.message_id}`);
      } catch {
        const reason = r.envelope.keyFingerprint !== keys.fingerprint ? 'key_changed' : 'corrupt';
        await q.query(`UPDATE exchange_deliveries SET state = 'decrypt_failed', failure = $2 WHERE id = $1`, [r.id, reason]);
        await event(q, d.clock, { orgId: a.schoolId, deliveryId: r.id, event: 'decrypt_failed', actor: a.username, details: { reason } });
        failed++;
        continue;
      }
      await event(q, d.clock, { orgId: a.schoolId, deliveryId: r.id, event: 'decrypted', actor: a.username });
      let content: MessageContent;
      try {
        content = Content.parse(JSON.parse(plain.toString('utf8')));
      } catch {
        await q.query(`UPDATE exchange_deliveries SET state = 'import_failed', failure = 'content_unreadable' WHERE id = $1`, [r.id]);
        await event(q, d.clock, {
          orgId: a.schoolId,
          deliveryId: r.id,
          event: 'import_failed',
          actor: a.username,
          details: { reason: 'content_unreadable' },
        });
        failed++;
        continue;
      }
      await q.query(`UPDATE exchange_deliveries SET state = 'imported', failure = NULL WHERE id = $1`, [r.id]);
      await q.query('UPDATE exchange_tasks SET content = $2 WHERE delivery_id = $1', [r.id, content]);
      await event(q, d.clock, {
        orgId: a.schoolId,
        deliveryId: r.id,
        event: 'imported',
        actor: a.username,
        details: { at: now.toISOString() },
      });
      imported++;
    }
    await audit(q, d.clock, { ...who(a), action: 'exchange.unlocked', target: `school:${a.schoolId}`, details: { imported, failed } });
    return { imported, failed };
  });
}

export async function assignTask(d: ExchangeDeps, a: Actor, id: string, b: z.infer<typeof AssignBody>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const [t] = await q.query<{ status: string; deadline: Date; category: string; lead_days: number | null }>(
      `SELECT t.status, dl.deadline, dl.category, p.lead_days FROM exchange_tasks t JOIN exchange_deliveries dl ON dl.id = t.delivery_id
       LEFT JOIN exchange_procedures p ON p.category = dl.category WHERE t.delivery_id = $1 FOR UPDATE OF t`,
      [id],
    );
    if (!t) throw new AppError('not_found');
    if (['submitted', 'done'].includes(t.status)) throw new AppError('return_state');
    await assertHolders(q, [b.ownerId, b.backupId], 'exchange.prepare');
    await assertHolders(q, [b.checkerId], 'exchange.approve');
    assertDistinct(b);
    const due = b.internalDue ? new Date(b.internalDue) : new Date(t.deadline.getTime() - (t.lead_days ?? 3) * DAY);
    if (due > t.deadline) throw new AppError('dates_out_of_order', { errors: [{ path: 'internalDue', code: 'after_deadline' }] });
    const status = t.status === 'unassigned' ? 'assigned' : t.status;
    await q.query(
      'UPDATE exchange_tasks SET owner_id = $2, backup_id = $3, checker_id = $4, internal_due = $5, status = $6, assigned_at = coalesce(assigned_at, $7) WHERE delivery_id = $1',
      [id, b.ownerId, b.backupId, b.checkerId, due, status, d.clock.now()],
    );
    await event(q, d.clock, {
      orgId: a.schoolId,
      deliveryId: id,
      event: 'assigned',
      actor: a.username,
      details: { owner: b.ownerId, backup: b.backupId, checker: b.checkerId, internalDue: due.toISOString() },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.assigned',
      target: `delivery:${id}`,
      details: { owner: b.ownerId, backup: b.backupId, checker: b.checkerId, internalDue: due.toISOString() },
    });
    await notifyUser(q, d.clock, {
      schoolId: a.schoolId,
      userId: b.ownerId,
      kind: 'exchange.assigned',
      titleKey: 'notifications.exchangeAssigned',
      params: {},
      link: `/exchange/inbox/${id}`,
      idemKey: `exchange-assigned:${id}:${b.ownerId}:${due.getTime()}`,
    });
  });
}

/** A notice that asks for no return is finished by its owner (or backup). */
export async function markDone(d: ExchangeDeps, a: Actor, id: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const [t] = await q.query<{ status: string; owner_id: string | null; backup_id: string | null; has_template: boolean; state: string }>(
      'SELECT t.status, t.owner_id, t.backup_id, dl.has_template, dl.state FROM exchange_tasks t JOIN exchange_deliveries dl ON dl.id = t.delivery_id WHERE t.delivery_id = $1 FOR UPDATE OF t',
      [id],
    );
    if (!t) throw new AppError('not_found');
    if (t.state !== 'imported') throw new AppError('content_locked');
    if (t.has_template || ['submitted', 'done'].includes(t.status)) throw new AppError('return_state');
    if (a.userId !== t.owner_id && a.userId !== t.backup_id) throw new AppError('forbidden');
    await q.query(`UPDATE exchange_tasks SET status = 'done', done_at = $2 WHERE delivery_id = $1`, [id, d.clock.now()]);
    await event(q, d.clock, { orgId: a.schoolId, deliveryId: id, event: 'done', actor: a.username });
    await audit(q, d.clock, { ...who(a), action: 'exchange.task_done', target: `delivery:${id}` });
  });
}

/**
 * A message the school could not open (decrypt_failed, import_failed) is closed by whoever manages
 * the exchange, with the reason (e.g. "the bureau sent it again as …"), so it stops escalating.
 */
export async function closeUnreadable(d: ExchangeDeps, a: Actor, id: string, reason: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const [t] = await q.query<{ status: string; state: string }>(
      'SELECT t.status, dl.state FROM exchange_tasks t JOIN exchange_deliveries dl ON dl.id = t.delivery_id WHERE t.delivery_id = $1 FOR UPDATE OF t',
      [id],
    );
    if (!t) throw new AppError('not_found');
    if (!['decrypt_failed', 'import_failed'].includes(t.state) || ['submitted', 'done'].includes(t.status))
      throw new AppError('return_state');
    await q.query(`UPDATE exchange_tasks SET status = 'done', done_at = $2 WHERE delivery_id = $1`, [id, d.clock.now()]);
    await event(q, d.clock, { orgId: a.schoolId, deliveryId: id, event: 'closed', actor: a.username, details: { reason } });
    await audit(q, d.clock, { ...who(a), action: 'exchange.task_closed', target: `delivery:${id}`, details: { state: t.state, reason } });
  });
}

// ---- Procedures (memo O1) ------------------------------------------------------------------------

export async function listProcedures(d: ExchangeDeps, a: Actor) {
  return d.db.school(a.schoolId, async (q) => {
    const rows = await q.query<{
      category: string;
      owner_id: string | null;
      owner: string | null;
      backup_id: string | null;
      backup: string | null;
      checker_id: string | null;
      checker: string | null;
      lead_days: number;
      notes: string | null;
    }>(
      `SELECT p.category, p.owner_id, coalesce(uo.display_name_zh, uo.display_name_en) AS owner, p.backup_id, coalesce(ub.display_name_zh, ub.display_name_en) AS backup,
              p.checker_id, coalesce(uc.display_name_zh, uc.display_name_en) AS checker, p.lead_days, p.notes
       FROM exchange_procedures p LEFT JOIN users uo ON uo.id = p.owner_id LEFT JOIN users ub ON ub.id = p.backup_id LEFT JOIN users uc ON uc.id = p.checker_id`,
    );
    const by = new Map(rows.map((r) => [r.category, r]));
    const [s] = await q.query<{ at: Date | null; by: string | null }>(
      'SELECT s.procedures_reviewed_at AS at, u.username AS by FROM schools s LEFT JOIN users u ON u.id = s.procedures_reviewed_by WHERE s.id = $1',
      [a.schoolId],
    );
    const people = await q.query<{ id: string; name: string; prepare: boolean; approve: boolean }>(
      `SELECT u.id, coalesce(u.display_name_zh, u.display_name_en) AS name, bool_or(rp.permission = 'exchange.prepare') AS prepare, bool_or(rp.permission = 'exchange.approve') AS approve
       FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
       WHERE u.status = 'active' AND rp.permission IN ('exchange.prepare', 'exchange.approve') GROUP BY u.id ORDER BY name`,
    );
    return {
      procedures: CATEGORIES.map((category) => {
        const r = by.get(category);
        return {
          category,
          owner: person(r?.owner_id ?? null, r?.owner ?? null),
          backup: person(r?.backup_id ?? null, r?.backup ?? null),
          checker: person(r?.checker_id ?? null, r?.checker ?? null),
          leadDays: r?.lead_days ?? 3,
          notes: r?.notes ?? null,
          complete: !!(r?.owner_id && r.backup_id && r.checker_id),
        };
      }),
      reviewedAt: iso(s?.at),
      reviewedBy: s?.by ?? null,
      people: people.map((p) => ({ id: p.id, name: p.name, canPrepare: p.prepare, canApprove: p.approve })),
    };
  });
}

export async function putProcedure(d: ExchangeDeps, a: Actor, category: string, b: z.infer<typeof ProcedureBody>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await assertSchool(q, a);
    await assertHolders(q, [b.ownerId, b.backupId], 'exchange.prepare');
    await assertHolders(q, [b.checkerId], 'exchange.approve');
    assertDistinct(b);
    const [before] = await q.query('SELECT owner_id, backup_id, checker_id, lead_days FROM exchange_procedures WHERE category = $1', [
      category,
    ]);
    await q.query(
      `INSERT INTO exchange_procedures (school_id, category, owner_id, backup_id, checker_id, lead_days, notes, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (school_id, category) DO UPDATE SET owner_id = $3, backup_id = $4, checker_id = $5, lead_days = $6, notes = $7, updated_at = $8`,
      [a.schoolId, category, b.ownerId, b.backupId, b.checkerId, b.leadDays, b.notes, d.clock.now()],
    );
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.procedure_changed',
      target: `procedure:${category}`,
      details: { before: before ?? null, after: b },
    });
  });
}

export async function reviewProcedures(d: ExchangeDeps, a: Actor): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await assertSchool(q, a);
    await q.query('UPDATE schools SET procedures_reviewed_at = $2, procedures_reviewed_by = $3 WHERE id = $1', [
      a.schoolId,
      d.clock.now(),
      a.userId,
    ]);
    await audit(q, d.clock, { ...who(a), action: 'exchange.procedures_reviewed', target: `school:${a.schoolId}` });
  });
}

export async function exchangeLog(d: ExchangeDeps, a: Actor, date: string) {
  return d.db.school(a.schoolId, async (q) => {
    const start = new Date(`${date}T00:00:00+08:00`);
    const rows = await q.query<{
      at: Date;
      event: string;
      actor_name: string | null;
      ref_no: string | null;
      details: Record<string, unknown>;
    }>(
      `SELECT e.at, e.event, e.actor_name, coalesce(dl.ref_no, m.ref_no) AS ref_no, e.details FROM exchange_events e
       LEFT JOIN exchange_deliveries dl ON dl.id = e.delivery_id LEFT JOIN exchange_messages m ON m.id = e.message_id
       WHERE e.school_id = app_school() AND e.at >= $1 AND e.at < $2 ORDER BY e.at, e.id`,
      [start, new Date(start.getTime() + DAY)],
    );
    return {
      date,
      entries: rows.map((r) => ({ at: r.at.toISOString(), event: r.event, actor: r.actor_name, refNo: r.ref_no, details: r.details })),
    };
  });
}
