import type { z } from 'zod';
import { type Actor, who } from '../../core/auth/actor.js';
import type {
  MessageProgress,
  MessageSummary,
  PackageFile,
  ProgressQuery,
  PublishBody,
  SchoolProgress,
} from '../../../contracts/exchange.js';
import { OpenedPackage } from '../../../contracts/exchange.js';
import { audit } from '../../core/audit/audit.js';
import { canonical, newDataKey, openContent, sealContent, sha256Hex, unwrapKey, verifyHash, wrapKey } from '../../core/crypto/envelope.js';
import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { levelsOfSchools } from '../school/service.js';
import { AUTHORITIES, type ExchangeDeps, event, iso, orgKind, unlockKey } from './common.js';
import { parseRules } from './rules.js';

const MAX_ATTACHMENT = 512 * 1024;

async function assertAuthority(q: Queryable, a: Actor) {
  const o = await orgKind(q, a.schoolId);
  if (o.kind !== 'authority' || !o.code) throw new AppError('authority_only');
  return { ...o, code: o.code };
}

/** The schools an authority can address, with the levels they teach this year. */
export async function listSchoolsForAuthority(d: ExchangeDeps, a: Actor) {
  await d.db.school(a.schoolId, (q) => assertAuthority(q, a));
  return d.db.system(async (q) => {
    const levels = await levelsOfSchools(q);
    const rows = await q.query<{ id: string; school_number: string; name_zh: string; name_en: string }>(
      `SELECT id, school_number, name_zh, name_en FROM schools WHERE kind = 'school' ORDER BY school_number`,
    );
    return rows.map((r) => ({
      id: r.id,
      schoolNumber: r.school_number,
      nameZh: r.name_zh,
      nameEn: r.name_en,
      levels: levels.get(r.id) ?? [],
    }));
  });
}

/**
 * Publish a message: the content is sealed once under a new data key, and the data key is wrapped
 * for each recipient school's public key. The deliveries (and, by trigger, each school's task) are
 * written in one statement, in the same transaction as the message and its audit record.
 */
export async function publish(
  d: ExchangeDeps,
  a: Actor,
  b: z.infer<typeof PublishBody>,
): Promise<{ id: string; refNo: string; recipients: number }> {
  const now = d.clock.now();
  const deadline = new Date(b.deadline);
  if (deadline <= now) throw new AppError('deadline_past', { errors: [{ path: 'deadline', code: 'deadline_past' }] });
  if (b.template) {
    const { errors } = parseRules(b.template);
    if (b.template.kind === 'manual' && !b.template.columns?.length) errors.push({ rule: -1, reason: 'unknown_column' });
    if (errors.length)
      throw new AppError('template_invalid', {
        errors: errors.map((e) => ({ path: e.rule < 0 ? 'template.columns' : `template.rules.${e.rule}`, code: e.reason })),
      });
  }
  for (const [i, f] of b.attachments.entries()) {
    if (Buffer.from(f.contentBase64, 'base64').length > MAX_ATTACHMENT)
      throw new AppError('attachment_too_large', { errors: [{ path: `attachments.${i}`, code: 'too_large' }] });
  }
  const recipients = await d.db.system(async (q) => {
    const levels = await levelsOfSchools(q);
    const rows = await q.query<{
      id: string;
      school_number: string;
      name_zh: string;
      name_en: string;
      key_box_public: Buffer;
      key_fingerprint: string;
    }>(
      `SELECT id, school_number, name_zh, name_en, key_box_public, key_fingerprint FROM schools WHERE kind = 'school' ORDER BY school_number`,
    );
    const ids = new Set(b.audience.schoolIds);
    const known = new Set(rows.map((r) => r.id));
    if ([...ids].some((id) => !known.has(id))) throw new AppError('not_found');
    return rows.filter((r) => ids.has(r.id) || (levels.get(r.id) ?? []).some((l) => b.audience.levels.includes(l)));
  });
  if (!recipients.length) throw new AppError('audience_empty');

  return d.db.schoolTx(a.schoolId, async (q) => {
    const org = await assertAuthority(q, a);
    await q.query('SELECT id FROM schools WHERE id = $1 FOR UPDATE', [a.schoolId]);
    const [n] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM exchange_messages');
    const refNo = `${AUTHORITIES[org.code].prefix}-${now.getUTCFullYear()}-${String((n?.n ?? 0) + 1).padStart(4, '0')}`;
    const content = { bodyZh: b.bodyZh, bodyEn: b.bodyEn, attachments: b.attachments, template: b.template ?? null };
    const [m] = await q.query<{ id: string }>(
      `INSERT INTO exchange_messages (school_id, ref_no, category, subject_code, type_code, priority, title_zh, title_en, reference_date, deadline, audience, content, template, published_by, published_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
      [
        a.schoolId,
        refNo,
        b.category,
        b.subjectCode,
        b.typeCode,
        b.priority,
        b.titleZh,
        b.titleEn,
        b.referenceDate ?? null,
        deadline,
        b.audience,
        content,
        b.template ?? null,
        a.userId,
        now,
      ],
    );
    if (!m) throw new Error('message not created');
    const sealed = await sealFor(d, q, a.schoolId, m.id, content, recipients);
    await q.query(
      `INSERT INTO exchange_deliveries (school_id, authority_id, authority_code, message_id, school_number, school_name_zh, school_name_en, ref_no, category, subject_code, type_code, priority,
                                        title_zh, title_en, reference_date, deadline, has_template, content_id, envelope, delivered_at)
       SELECT x.school_id, $1, $19, $2, x.num, x.zh, x.en, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $20, x.envelope, $13
       FROM unnest($14::uuid[], $15::text[], $16::text[], $17::text[], $18::jsonb[]) AS x(school_id, num, zh, en, envelope)`,
      [
        a.schoolId,
        m.id,
        refNo,
        b.category,
        b.subjectCode,
        b.typeCode,
        b.priority,
        b.titleZh,
        b.titleEn,
        b.referenceDate ?? null,
        deadline,
        !!b.template,
        now,
        recipients.map((r) => r.id),
        recipients.map((r) => r.school_number),
        recipients.map((r) => r.name_zh),
        recipients.map((r) => r.name_en),
        sealed.envelopes,
        org.code,
        sealed.contentId,
      ],
    );
    await event(q, d.clock, {
      orgId: a.schoolId,
      messageId: m.id,
      event: 'published',
      actor: a.username,
      details: { refNo, recipients: recipients.length },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.published',
      target: `message:${m.id}`,
      details: { refNo, category: b.category, deadline: b.deadline, recipients: recipients.length },
    });
    return { id: m.id, refNo, recipients: recipients.length };
  });
}

type Recipient = { id: string; key_box_public: Buffer; key_fingerprint: string };

/** Seal the content once under a new data key (stored once) and wrap that key for each recipient. */
async function sealFor(d: ExchangeDeps, q: Queryable, authorityId: string, messageId: string, content: unknown, recipients: Recipient[]) {
  const dataKey = newDataKey();
  const [c] = await q.query<{ id: string }>(
    'INSERT INTO exchange_contents (authority_id, message_id, ciphertext, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
    [authorityId, messageId, sealContent(dataKey, Buffer.from(JSON.stringify(content)), `msg:${messageId}`), d.clock.now()],
  );
  const envelopes = recipients.map((r) => ({
    ...wrapKey(dataKey, r.key_box_public, `msg:${messageId}:${r.id}`),
    keyFingerprint: r.key_fingerprint,
  }));
  return { contentId: c?.id ?? '', envelopes };
}

/**
 * Send a message again to the schools that could not read it (decrypt_failed or import_failed, e.g.
 * after a school changed its key): sealed afresh for each school's current key, back to encrypted.
 */
export async function resend(d: ExchangeDeps, a: Actor, messageId: string): Promise<number> {
  // The schools' current public keys first (a platform lookup, outside the authority's transaction).
  const failedSchools = await d.db.school(a.schoolId, (q) =>
    q.query<{ school_id: string }>(
      `SELECT school_id FROM exchange_deliveries WHERE message_id = $1 AND authority_id = app_school() AND state IN ('decrypt_failed', 'import_failed')`,
      [messageId],
    ),
  );
  const allKeys = failedSchools.length
    ? await d.db.system((q) =>
        q.query<Recipient>(`SELECT id, key_box_public, key_fingerprint FROM schools WHERE id = ANY($1) AND kind = 'school'`, [
          failedSchools.map((f) => f.school_id),
        ]),
      )
    : [];
  return d.db.schoolTx(a.schoolId, async (q) => {
    await assertAuthority(q, a);
    const [m] = await q.query<{ ref_no: string; content: unknown }>('SELECT ref_no, content FROM exchange_messages WHERE id = $1', [
      messageId,
    ]);
    if (!m) throw new AppError('not_found');
    const failed = await q.query<{ school_id: string }>(
      `SELECT school_id FROM exchange_deliveries WHERE message_id = $1 AND state IN ('decrypt_failed', 'import_failed') FOR UPDATE`,
      [messageId],
    );
    const still = new Set(failed.map((f) => f.school_id));
    const keys = allKeys.filter((k) => still.has(k.id));
    if (!keys.length) return 0;
    const sealed = await sealFor(d, q, a.schoolId, messageId, m.content, keys);
    for (const [i, r] of keys.entries()) {
      await q.query(
        `UPDATE exchange_deliveries SET content_id = $3, envelope = $4, state = 'encrypted', failure = NULL WHERE message_id = $1 AND school_id = $2`,
        [messageId, r.id, sealed.contentId, sealed.envelopes[i]],
      );
    }
    await event(q, d.clock, {
      orgId: a.schoolId,
      messageId,
      event: 'resent',
      actor: a.username,
      details: { refNo: m.ref_no, schools: keys.length },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.resent',
      target: `message:${messageId}`,
      details: { refNo: m.ref_no, schools: keys.length },
    });
    return keys.length;
  });
}

const COUNTS_SQL = `count(*)::int AS recipients, count(dl.opened_at)::int AS opened, count(dl.preparing_at)::int AS preparing,
  count(dl.submitted_at)::int AS submitted, count(dl.received_at)::int AS received,
  count(*) FILTER (WHERE dl.submitted_at IS NULL AND dl.deadline < $1)::int AS late`;

type MessageRow = {
  id: string;
  ref_no: string;
  category: string;
  subject_code: string;
  type_code: string;
  priority: string;
  title_zh: string;
  title_en: string;
  reference_date: string | null;
  deadline: Date;
  published_at: Date;
  has_template: boolean;
  recipients: number;
  opened: number;
  preparing: number;
  submitted: number;
  received: number;
  late: number;
};
const summary = (r: MessageRow): z.infer<typeof MessageSummary> => ({
  id: r.id,
  refNo: r.ref_no,
  category: r.category as never,
  subjectCode: r.subject_code,
  typeCode: r.type_code,
  priority: r.priority as never,
  titleZh: r.title_zh,
  titleEn: r.title_en,
  referenceDate: r.reference_date,
  deadline: r.deadline.toISOString(),
  publishedAt: r.published_at.toISOString(),
  hasTemplate: r.has_template,
  counts: {
    recipients: r.recipients,
    opened: r.opened,
    preparing: r.preparing,
    submitted: r.submitted,
    received: r.received,
    late: r.late,
  },
});

export async function listMessages(d: ExchangeDeps, a: Actor) {
  return d.db.school(a.schoolId, async (q) => {
    await assertAuthority(q, a);
    const rows = await q.query<MessageRow>(
      `SELECT m.id, m.ref_no, m.category, m.subject_code, m.type_code, m.priority, m.title_zh, m.title_en, m.reference_date::text, m.deadline, m.published_at,
              m.template IS NOT NULL AS has_template, ${COUNTS_SQL}
       FROM exchange_messages m JOIN exchange_deliveries dl ON dl.message_id = m.id
       GROUP BY m.id ORDER BY m.published_at DESC LIMIT 200`,
      [d.clock.now()],
    );
    return rows.map(summary);
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
    const [m] = await q.query<
      MessageRow & {
        content: { bodyZh: string; bodyEn: string; attachments: { name: string; contentBase64: string }[] };
        template: unknown;
      }
    >(
      `SELECT m.id, m.ref_no, m.category, m.subject_code, m.type_code, m.priority, m.title_zh, m.title_en, m.reference_date::text, m.deadline, m.published_at,
              m.template IS NOT NULL AS has_template, m.content, m.template, ${COUNTS_SQL}
       FROM exchange_messages m JOIN exchange_deliveries dl ON dl.message_id = m.id
       WHERE m.id = $2 AND m.school_id = app_school() GROUP BY m.id`,
      [now, messageId],
    );
    if (!m) throw new AppError('not_found');
    const stateSql = `CASE WHEN dl.received_at IS NOT NULL THEN 'received' WHEN dl.submitted_at IS NOT NULL THEN 'submitted' WHEN dl.preparing_at IS NOT NULL THEN 'preparing'
                           WHEN dl.opened_at IS NOT NULL THEN 'opened' ELSE 'delivered' END`;
    const where = ['dl.message_id = $1'];
    const params: unknown[] = [messageId, now];
    if (f.state) where.push(`${stateSql} = $${params.push(f.state)}`);
    if (f.late) where.push(`(dl.submitted_at IS NULL AND dl.deadline < $2) = $${params.push(f.late === 'true')}`);
    if (f.q)
      where.push(
        `(dl.school_number ILIKE $${params.push(`%${f.q}%`)} OR dl.school_name_en ILIKE $${params.length} OR dl.school_name_zh LIKE $${params.length})`,
      );
    const rows = await q.query<{
      id: string;
      school_id: string;
      school_number: string;
      school_name_zh: string;
      school_name_en: string;
      state: string;
      late: boolean;
      delivered_at: Date;
      opened_at: Date | null;
      preparing_at: Date | null;
      submitted_at: Date | null;
      received_at: Date | null;
      receipt_hash: string | null;
      reminders: number;
      package_id: string | null;
      total: number;
      incoming: string;
      failure: string | null;
    }>(
      `SELECT dl.id, dl.school_id, dl.school_number, dl.school_name_zh, dl.school_name_en, ${stateSql} AS state, (dl.submitted_at IS NULL AND dl.deadline < $2) AS late,
              dl.delivered_at, dl.opened_at, dl.preparing_at, dl.submitted_at, dl.received_at, dl.receipt_hash, dl.reminders,
              (SELECT p.id FROM exchange_packages p WHERE p.delivery_id = dl.id ORDER BY p.amendment DESC, p.attempt DESC LIMIT 1) AS package_id, dl.state AS incoming, dl.failure,
              count(*) OVER ()::int AS total
       FROM exchange_deliveries dl WHERE ${where.join(' AND ')}
       ORDER BY dl.school_number LIMIT ${f.limit} OFFSET ${f.offset}`,
      params,
    );
    const schools: z.infer<typeof SchoolProgress>[] = rows.map((r) => ({
      deliveryId: r.id,
      schoolId: r.school_id,
      schoolNumber: r.school_number,
      nameZh: r.school_name_zh,
      nameEn: r.school_name_en,
      state: r.state as never,
      late: r.late,
      deliveredAt: r.delivered_at.toISOString(),
      openedAt: iso(r.opened_at),
      preparingAt: iso(r.preparing_at),
      submittedAt: iso(r.submitted_at),
      receivedAt: iso(r.received_at),
      receiptHash: r.receipt_hash,
      reminders: r.reminders,
      packageId: r.package_id,
      incomingState: r.incoming as never,
      failure: r.failure,
    }));
    return {
      message: {
        ...summary(m),
        bodyZh: m.content.bodyZh,
        bodyEn: m.content.bodyEn,
        template: (m.template ?? null) as never,
        attachments: m.content.attachments.map((x) => ({ name: x.name, size: Buffer.from(x.contentBase64, 'base64').length })),
      },
      schools,
      total: rows[0]?.total ?? 0,
    };
  });
}

/** Remind every school that has not submitted yet; at most once a day per school. */
export async function remindLate(d: ExchangeDeps, a: Actor, messageId: string): Promise<number> {
  return d.db.schoolTx(a.schoolId, async (q) => {
    await assertAuthority(q, a);
    const [m] = await q.query<{ ref_no: string }>('SELECT ref_no FROM exchange_messages WHERE id = $1', [messageId]);
    if (!m) throw new AppError('not_found');
    const now = d.clock.now();
    const rows = await q.query(
      `UPDATE exchange_deliveries SET reminded_at = $2, reminders = reminders + 1
       WHERE message_id = $1 AND submitted_at IS NULL AND (reminded_at IS NULL OR reminded_at < $3) RETURNING id`,
      [messageId, now, new Date(now.getTime() - 20 * 3600_000)],
    );
    await event(q, d.clock, {
      orgId: a.schoolId,
      messageId,
      event: 'reminded',
      actor: a.username,
      details: { refNo: m.ref_no, schools: rows.length },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.reminded',
      target: `message:${messageId}`,
      details: { refNo: m.ref_no, schools: rows.length },
    });
    return rows.length;
  });
}

// ---- Packages ------------------------------------------------------------------------------------

type Pkg = z.infer<typeof PackageFile>;
export const packageHashOf = (p: Pick<Pkg, 'header' | 'manifest' | 'wrapped' | 'ciphertext'>): string =>
  sha256Hex(canonical({ header: p.header, manifest: p.manifest, wrapped: p.wrapped, ciphertext: p.ciphertext }));

/**
 * Check a package: its hash must cover exactly what it carries (else it was altered after signing),
 * and the signature must verify with the sending school's public key (else it was signed with
 * another key). Returns the school it came from.
 */
export async function verifyPackage(
  d: ExchangeDeps,
  authorityCode: string,
  p: Pkg,
): Promise<{ schoolId: string; schoolNumber: string; packageHash: string }> {
  const hash = packageHashOf(p);
  if (hash !== p.packageHash) throw new AppError('package_tampered');
  if (p.header.authority !== authorityCode) throw new AppError('package_wrong_key');
  const [s] = await d.db.system((q) =>
    q.query<{ id: string; key_sign_public: Buffer }>(
      `SELECT id, key_sign_public FROM schools WHERE school_number = $1 AND kind = 'school'`,
      [p.header.schoolNumber],
    ),
  );
  if (!s || !verifyHash(s.key_sign_public, hash, p.signature)) throw new AppError('package_wrong_key');
  return { schoolId: s.id, schoolNumber: p.header.schoolNumber, packageHash: hash };
}

/** A person at the authority checks a package file (e.g. one handed over outside the system). */
export async function verifyUploaded(d: ExchangeDeps, a: Actor, p: Pkg) {
  const org = await d.db.school(a.schoolId, (q) => assertAuthority(q, a));
  try {
    const r = await verifyPackage(d, org.code, p);
    await d.db.schoolTx(a.schoolId, (q) =>
      audit(q, d.clock, {
        ...who(a),
        action: 'exchange.package_verified',
        target: `school:${r.schoolNumber}`,
        details: { packageHash: r.packageHash },
      }),
    );
    return {
      valid: true as const,
      schoolNumber: r.schoolNumber,
      packageHash: r.packageHash,
      refNo: p.header.refNo,
      amendment: p.header.amendment,
    };
  } catch (err) {
    if (err instanceof AppError) {
      await d.db.schoolTx(a.schoolId, (q) =>
        audit(q, d.clock, {
          ...who(a),
          action: 'exchange.package_verified',
          outcome: 'failure',
          target: `school:${p.header.schoolNumber}`,
          details: { reason: err.code },
        }),
      );
    }
    throw err;
  }
}

/**
 * The authority's intake: verify a package that arrived and answer with a receipt carrying its hash,
 * or refuse it with the reason. Idempotent: a package already answered is left alone.
 */
export async function intake(d: ExchangeDeps, packageId: string): Promise<'received' | 'refused' | 'done'> {
  const [row] = await d.db.system((q) =>
    q.query<{ authority_id: string; package: Pkg; state: string; delivery_id: string; school_id: string; code: string; amendment: number }>(
      `SELECT p.authority_id, p.package, p.state, p.delivery_id, p.school_id, s.authority_code AS code, p.amendment FROM exchange_packages p JOIN schools s ON s.id = p.authority_id WHERE p.id = $1`,
      [packageId],
    ),
  );
  if (!row || row.state !== 'sent') return 'done';
  let refused: string | null = null;
  try {
    const v = await verifyPackage(d, row.code, row.package);
    // Bound to this delivery: from this school, for this message's reference and category, this amendment.
    const [dl] = await d.db.system((q) =>
      q.query<{ ref_no: string; category: string }>('SELECT ref_no, category FROM exchange_deliveries WHERE id = $1', [row.delivery_id]),
    );
    const h = row.package.header;
    if (v.schoolId !== row.school_id || h.refNo !== dl?.ref_no || h.category !== dl.category || h.amendment !== row.amendment)
      refused = 'package_wrong_key';
  } catch (err) {
    refused = err instanceof AppError ? err.code : 'internal';
  }
  return d.db.schoolTx(row.authority_id, async (q) => {
    const now = d.clock.now();
    const [p] = await q.query<{ id: string }>(`SELECT id FROM exchange_packages WHERE id = $1 AND state = 'sent' FOR UPDATE`, [packageId]);
    if (!p) return 'done' as const;
    const refNo = row.package.header.refNo;
    const [msg] = await q.query<{ message_id: string }>('SELECT message_id FROM exchange_deliveries WHERE id = $1', [row.delivery_id]);
    if (refused) {
      await q.query(`UPDATE exchange_packages SET state = 'refused', refused_reason = $2, received_at = $3 WHERE id = $1`, [
        packageId,
        refused,
        now,
      ]);
      await event(q, d.clock, {
        orgId: row.authority_id,
        messageId: msg?.message_id,
        deliveryId: row.delivery_id,
        event: 'package_refused',
        details: { refNo, school: row.package.header.schoolNumber, reason: refused },
      });
      await audit(q, d.clock, {
        schoolId: row.authority_id,
        action: 'exchange.package_refused',
        outcome: 'failure',
        target: `package:${packageId}`,
        details: { refNo, school: row.package.header.schoolNumber, reason: refused },
      });
      return 'refused' as const;
    }
    await q.query(`UPDATE exchange_packages SET state = 'received', received_at = $2 WHERE id = $1`, [packageId, now]);
    await q.query('UPDATE exchange_deliveries SET received_at = $2, receipt_hash = $3 WHERE id = $1', [
      row.delivery_id,
      now,
      row.package.packageHash,
    ]);
    await event(q, d.clock, {
      orgId: row.authority_id,
      messageId: msg?.message_id,
      deliveryId: row.delivery_id,
      event: 'package_received',
      details: {
        refNo,
        school: row.package.header.schoolNumber,
        packageHash: row.package.packageHash,
        amendment: row.package.header.amendment,
      },
    });
    await audit(q, d.clock, {
      schoolId: row.authority_id,
      action: 'exchange.package_received',
      target: `package:${packageId}`,
      details: { refNo, school: row.package.header.schoolNumber, packageHash: row.package.packageHash },
    });
    return 'received' as const;
  });
}

/** An authority officer opens a received return with the authority's key; the manifest is checked file by file. */
export async function openPackage(d: ExchangeDeps, a: Actor, packageId: string, words: string[]): Promise<z.infer<typeof OpenedPackage>> {
  const [row] = await d.db.school(a.schoolId, async (q) => {
    await assertAuthority(q, a);
    return q.query<{ package: Pkg }>(`SELECT package FROM exchange_packages WHERE id = $1 AND authority_id = $2 AND state = 'received'`, [
      packageId,
      a.schoolId,
    ]);
  });
  if (!row) throw new AppError('not_found');
  const keys = await unlockKey(d, a, words);
  const p = row.package;
  let bundle: { files: Record<string, string> };
  try {
    const dataKey = unwrapKey(p.wrapped, keys.box, canonical(p.header));
    bundle = JSON.parse(openContent(dataKey, p.ciphertext, canonical(p.header)).toString('utf8'));
  } catch {
    throw new AppError('package_wrong_key');
  }
  const manifestOk = p.manifest.every((m) => {
    const body = bundle.files[m.name];
    return body !== undefined && sha256Hex(body) === m.sha256 && Buffer.byteLength(body) === m.bytes;
  });
  const json = JSON.parse(bundle.files['return.json'] ?? '{"files":[],"summary":{}}');
  await d.db.schoolTx(a.schoolId, (q) =>
    audit(q, d.clock, {
      ...who(a),
      action: 'exchange.package_opened',
      target: `package:${packageId}`,
      details: { school: p.header.schoolNumber, refNo: p.header.refNo, manifestOk },
    }),
  );
  return OpenedPackage.parse({ files: json.files, summary: json.summary, manifestOk });
}

export async function packageFile(d: ExchangeDeps, a: Actor, packageId: string): Promise<Pkg> {
  const [row] = await d.db.school(a.schoolId, (q) =>
    q.query<{ package: Pkg }>('SELECT package FROM exchange_packages WHERE id = $1', [packageId]),
  );
  if (!row) throw new AppError('not_found');
  return row.package;
}
