import type { z } from 'zod';
import { type Actor, who } from '../../core/auth/actor.js';
import type { PackageFile, ReturnRowsBody, ReturnView } from '../../../contracts/exchange.js';
import { audit } from '../../core/audit/audit.js';
import { writeCsv } from '../../core/csv.js';
import { canonical, newDataKey, sealContent, sha256Hex, signHash, wrapKey } from '../../core/crypto/envelope.js';
import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { notifyUser } from '../../core/notify/notify.js';
import { type Generated, classSubjectReturn, enrolmentReturn, headcountReturn } from '../school/service.js';
import { intake, packageHashOf } from './authority.js';
import { type ExchangeDeps, event, unlockKey } from './common.js';
import { hongKongDate } from '../../core/clock.js';
import type { MessageContent } from './inbox.js';
import { type RowProblem, checkRows, filesOf, parseRules } from './rules.js';

type ReturnRow = {
  id: string;
  delivery_id: string;
  amendment: number;
  state: string;
  kind: string;
  data: Generated;
  problems: RowProblem[];
  prepared_by: string | null;
  approved_by: string | null;
  reject_reason: string | null;
  failure: string | null;
  package_hash: string | null;
  receipt_hash: string | null;
  version: number;
};

async function taskFor(q: Queryable, deliveryId: string, lock = false) {
  const [t] = await q.query<{
    status: string;
    owner_id: string | null;
    backup_id: string | null;
    checker_id: string | null;
    content: MessageContent | null;
    state: string;
    reference_date: string | null;
    deadline: Date;
    category: string;
    ref_no: string;
    authority_id: string;
    authority_code: string;
    delivered_at: Date;
  }>(
    `SELECT t.status, t.owner_id, t.backup_id, t.checker_id, t.content, dl.state, dl.reference_date::text, dl.deadline, dl.category, dl.ref_no, dl.authority_id, dl.authority_code, dl.delivered_at
     FROM exchange_tasks t JOIN exchange_deliveries dl ON dl.id = t.delivery_id WHERE t.delivery_id = $1${lock ? ' FOR UPDATE OF t' : ''}`,
    [deliveryId],
  );
  if (!t) throw new AppError('not_found');
  return t;
}

async function returnRow(q: Queryable, id: string, lock = false): Promise<ReturnRow> {
  const [r] = await q.query<ReturnRow>(
    `SELECT id, delivery_id, amendment, state, kind, data, problems, prepared_by, approved_by, reject_reason, failure, package_hash, receipt_hash, version
     FROM exchange_returns WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  if (!r) throw new AppError('not_found');
  return r;
}

const mayPrepare = (a: Actor, t: { owner_id: string | null; backup_id: string | null }) =>
  a.userId === t.owner_id || a.userId === t.backup_id;

/** Build the return's files from the school's records, as the template asks. */
async function generate(q: Queryable, deliveryId: string, t: Awaited<ReturnType<typeof taskFor>>, today: string): Promise<Generated> {
  const tpl = t.content?.template;
  if (!tpl) throw new AppError('return_state');
  const ref = t.reference_date ?? today;
  switch (tpl.kind) {
    case 'headcount':
      return headcountReturn(q, ref);
    case 'class_subject':
      return classSubjectReturn(q, ref);
    case 'enrolment': {
      // Changes are counted from the last enrolment return the authority received, against the roll it carried.
      // The last one of an earlier survey (not this one's own first submission, nor a later survey's).
      const [prev] = await q.query<{ data: Generated; reference_date: string | null; delivered_at: Date }>(
        `SELECT r.data, dl.reference_date::text, dl.delivered_at FROM exchange_returns r JOIN exchange_deliveries dl ON dl.id = r.delivery_id
         WHERE r.state = 'received' AND r.kind = 'enrolment' AND r.delivery_id <> $1 AND coalesce(dl.reference_date, (dl.delivered_at AT TIME ZONE 'Asia/Hong_Kong')::date) < $2::date
         ORDER BY coalesce(dl.reference_date, (dl.delivered_at AT TIME ZONE 'Asia/Hong_Kong')::date) DESC, r.amendment DESC LIMIT 1`,
        [deliveryId, ref],
      );
      const roll = prev?.data.files.find((f) => f.name === 'roll')?.rows ?? null;
      return enrolmentReturn(q, ref, prev ? (prev.reference_date ?? hongKongDate(prev.delivered_at)) : null, roll);
    }
    case 'manual':
      return { files: [{ name: 'data', columns: tpl.columns ?? [], rows: [] }], summary: {} };
  }
}

function validate(t: { content: MessageContent | null }, g: Generated): RowProblem[] {
  const tpl = t.content?.template;
  if (!tpl) return [];
  return checkRows(parseRules(tpl).rules, g.files);
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
    if (!mayPrepare(a, t)) throw new AppError('forbidden');
    const [latest] = await q.query<{ id: string; state: string; amendment: number }>(
      'SELECT id, state, amendment FROM exchange_returns WHERE delivery_id = $1 ORDER BY amendment DESC LIMIT 1 FOR UPDATE',
      [deliveryId],
    );
    if (latest?.state === 'received') throw new AppError('already_received');
    if (latest && !['draft', 'rejected', 'send_failed'].includes(latest.state)) throw new AppError('return_state');
    const now = d.clock.now();
    const g = await generate(q, deliveryId, t, hongKongDate(now));
    const problems = validate(t, g);
    let id: string;
    if (latest) {
      id = latest.id;
      await q.query(
        `UPDATE exchange_returns SET state = 'draft', data = $2, problems = $3, prepared_by = $4, updated_at = $5, version = version + 1, failure = NULL WHERE id = $1`,
        [id, g, JSON.stringify(problems), a.userId, now],
      );
    } else {
      const [r] = await q.query<{ id: string }>(
        `INSERT INTO exchange_returns (school_id, delivery_id, amendment, state, kind, data, problems, prepared_by, created_at, updated_at) VALUES ($1, $2, 0, 'draft', $3, $4, $5, $6, $7, $7) RETURNING id`,
        [a.schoolId, deliveryId, t.content.template.kind, g, JSON.stringify(problems), a.userId, now],
      );
      id = r?.id ?? '';
    }
    await q.query(
      `UPDATE exchange_tasks SET status = 'in_progress' WHERE delivery_id = $1 AND status IN ('unassigned', 'assigned', 'awaiting_approval')`,
      [deliveryId],
    );
    await q.query('UPDATE exchange_deliveries SET preparing_at = coalesce(preparing_at, $2) WHERE id = $1', [deliveryId, now]);
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
    if (!mayPrepare(a, t)) throw new AppError('forbidden');
    const [latest] = await q.query<{ id: string; state: string; amendment: number; kind: string; data: Generated; problems: RowProblem[] }>(
      'SELECT id, state, amendment, kind, data, problems FROM exchange_returns WHERE delivery_id = $1 ORDER BY amendment DESC LIMIT 1 FOR UPDATE',
      [deliveryId],
    );
    if (latest?.state !== 'received') throw new AppError('return_state');
    const now = d.clock.now();
    const [r] = await q.query<{ id: string }>(
      `INSERT INTO exchange_returns (school_id, delivery_id, amendment, state, kind, data, problems, prepared_by, created_at, updated_at) VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $8) RETURNING id`,
      [a.schoolId, deliveryId, latest.amendment + 1, latest.kind, latest.data, JSON.stringify(latest.problems), a.userId, now],
    );
    await q.query(`UPDATE exchange_tasks SET status = 'in_progress', done_at = NULL WHERE delivery_id = $1`, [deliveryId]);
    await event(q, d.clock, {
      orgId: a.schoolId,
      deliveryId,
      returnId: r?.id,
      event: 'amendment_started',
      actor: a.username,
      details: { amendment: latest.amendment + 1 },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.return_amended',
      target: `return:${r?.id}`,
      details: { refNo: t.ref_no, amendment: latest.amendment + 1 },
    });
    return r?.id ?? '';
  });
}

export async function getReturn(d: ExchangeDeps, a: Actor, id: string): Promise<z.infer<typeof ReturnView>> {
  return d.db.school(a.schoolId, async (q) => {
    const r = await returnRow(q, id);
    const [people] = await q.query<{ prepared: string | null; approved: string | null; checker_id: string | null; checker: string | null }>(
      `SELECT coalesce(up.display_name_zh, up.display_name_en) AS prepared, coalesce(ua.display_name_zh, ua.display_name_en) AS approved, t.checker_id, coalesce(uc.display_name_zh, uc.display_name_en) AS checker
       FROM exchange_returns r JOIN exchange_tasks t ON t.delivery_id = r.delivery_id LEFT JOIN users up ON up.id = r.prepared_by
       LEFT JOIN users ua ON ua.id = r.approved_by LEFT JOIN users uc ON uc.id = t.checker_id WHERE r.id = $1`,
      [id],
    );
    const history = await q.query<{ at: Date; event: string; actor_name: string | null; details: Record<string, unknown> }>(
      'SELECT at, event, actor_name, details FROM exchange_events WHERE return_id = $1 ORDER BY at, id',
      [id],
    );
    return {
      id: r.id,
      deliveryId: r.delivery_id,
      amendment: r.amendment,
      state: r.state as never,
      kind: r.kind as never,
      files: r.data.files,
      summary: r.data.summary,
      problems: r.problems,
      preparedBy: people?.prepared ?? null,
      approvedBy: people?.approved ?? null,
      rejectReason: r.reject_reason,
      failure: r.failure,
      packageHash: r.package_hash,
      receiptHash: r.receipt_hash,
      version: r.version,
      checker: people?.checker_id ? { id: people.checker_id, name: people.checker ?? '' } : null,
      history: history.map((e) => ({ at: e.at.toISOString(), event: e.event, actor: e.actor_name, details: e.details })),
    };
  });
}

/** Corrections by hand: replace the rows of the named files; cells must be the file's own columns. */
export async function editReturn(d: ExchangeDeps, a: Actor, id: string, b: z.infer<typeof ReturnRowsBody>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const r = await returnRow(q, id, true);
    const t = await taskFor(q, r.delivery_id);
    if (!mayPrepare(a, t)) throw new AppError('forbidden');
    if (!['draft', 'rejected'].includes(r.state)) throw new AppError('return_state');
    if (r.version !== b.version) throw new AppError('version_conflict');
    const allowed = t.content?.template ? filesOf(t.content.template) : {};
    const errors: { path: string; code: string }[] = [];
    for (const [i, f] of b.files.entries()) {
      const cols = allowed[f.name];
      if (!cols) errors.push({ path: `files.${i}.name`, code: 'unknown_file' });
      else
        f.rows.forEach((row, j) =>
          Object.keys(row).forEach((k) => !cols.includes(k) && errors.push({ path: `files.${i}.rows.${j}.${k}`, code: 'unknown_column' })),
        );
    }
    if (errors.length) throw new AppError('validation_failed', { errors: errors.slice(0, 50) });
    const data: Generated = {
      ...r.data,
      files: r.data.files.map((f) => ({ ...f, rows: b.files.find((x) => x.name === f.name)?.rows ?? f.rows })),
    };
    const problems = validate(t, data);
    await q.query(
      `UPDATE exchange_returns SET data = $2, problems = $3, state = 'draft', updated_at = $4, version = version + 1 WHERE id = $1`,
      [id, data, JSON.stringify(problems), d.clock.now()],
    );
    await event(q, d.clock, {
      orgId: a.schoolId,
      deliveryId: r.delivery_id,
      returnId: id,
      event: 'return_edited',
      actor: a.username,
      details: { files: b.files.map((f) => f.name), problems: problems.length },
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.return_edited',
      target: `return:${id}`,
      details: { files: b.files.map((f) => ({ name: f.name, rows: f.rows.length })), problems: problems.length },
    });
  });
}

/** The owner hands the return to the checker. A return that fails the template's rules cannot go. */
export async function markReady(d: ExchangeDeps, a: Actor, id: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const r = await returnRow(q, id, true);
    const t = await taskFor(q, r.delivery_id, true);
    if (!mayPrepare(a, t)) throw new AppError('forbidden');
    // After the authority refused a package (send_failed), the same return may go round again.
    if (!['draft', 'rejected', 'send_failed'].includes(r.state)) throw new AppError('return_state');
    if (r.problems.length) throw new AppError('return_invalid', { errors: problemErrors(r.problems) });
    await setState(d, q, a, r, 'ready');
    await q.query(`UPDATE exchange_tasks SET status = 'awaiting_approval' WHERE delivery_id = $1`, [r.delivery_id]);
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.return_ready',
      target: `return:${id}`,
      details: { refNo: t.ref_no, amendment: r.amendment, checker: t.checker_id },
    });
    if (t.checker_id) {
      await notifyUser(q, d.clock, {
        schoolId: a.schoolId,
        userId: t.checker_id,
        kind: 'exchange.approval',
        titleKey: 'notifications.exchangeApproval',
        params: { refNo: t.ref_no },
        link: `/exchange/returns/${id}`,
        idemKey: `exchange-approval:${id}:${d.clock.now().getTime()}`,
      });
    }
  });
}

const problemErrors = (p: RowProblem[]) => p.slice(0, 100).map((x) => ({ path: `${x.file}:${x.row}:${x.column}`, code: x.rule }));

/** Every state a return passes through is kept, with its time and who moved it (null: the system). */
async function setState(
  d: ExchangeDeps,
  q: Queryable,
  by: { schoolId: string; username: string | null },
  r: Pick<ReturnRow, 'id' | 'delivery_id' | 'state'>,
  state: string,
  details: Record<string, unknown> = {},
) {
  await q.query('UPDATE exchange_returns SET state = $2, updated_at = $3 WHERE id = $1', [r.id, state, d.clock.now()]);
  await event(q, d.clock, {
    orgId: by.schoolId,
    deliveryId: r.delivery_id,
    returnId: r.id,
    event: `return_${state}`,
    actor: by.username,
    details: { from: r.state, ...details },
  });
}

/** Only the named checker approves or sends back, and never a return they prepared or own: two people, always. */
function assertChecker(
  a: Actor,
  t: { checker_id: string | null; owner_id: string | null; backup_id: string | null },
  r: { prepared_by: string | null },
) {
  if (!t.checker_id || t.checker_id !== a.userId) throw new AppError('not_checker');
  if ([t.owner_id, t.backup_id, r.prepared_by].includes(a.userId)) throw new AppError('own_review');
}

export async function rejectReturn(d: ExchangeDeps, a: Actor, id: string, reason: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const r = await returnRow(q, id, true);
    const t = await taskFor(q, r.delivery_id, true);
    assertChecker(a, t, r);
    if (r.state !== 'ready') throw new AppError('return_state');
    await q.query('UPDATE exchange_returns SET reject_reason = $2 WHERE id = $1', [id, reason]);
    await setState(d, q, a, r, 'rejected', { reason });
    await q.query(`UPDATE exchange_tasks SET status = 'in_progress' WHERE delivery_id = $1`, [r.delivery_id]);
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.return_rejected',
      target: `return:${id}`,
      details: { refNo: t.ref_no, reason },
    });
    for (const u of [t.owner_id, t.backup_id]) {
      if (u)
        await notifyUser(q, d.clock, {
          schoolId: a.schoolId,
          userId: u,
          kind: 'exchange.rejected',
          titleKey: 'notifications.exchangeRejected',
          params: { refNo: t.ref_no },
          link: `/exchange/returns/${id}`,
          idemKey: `exchange-rejected:${id}:${d.clock.now().getTime()}:${u}`,
        });
    }
  });
}

type Pkg = z.infer<typeof PackageFile>;

/** The return's files as they travel: each file as CSV, and the whole as JSON. */
function bundleOf(g: Generated): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of g.files)
    files[`${f.name}.csv`] = writeCsv(
      f.columns,
      f.rows.map((r) => f.columns.map((c) => r[c] ?? '')),
    ).toString('utf8');
  files['return.json'] = JSON.stringify({ files: g.files, summary: g.summary });
  return files;
}

/**
 * The checker approves with the school key: the return goes ready → processing, is packaged
 * (files + SHA-256 manifest, encrypted to the authority's key, signed with the school's), and is
 * sent. The authority's intake then verifies it and answers with a receipt carrying the hash.
 */
export async function approveReturn(
  d: ExchangeDeps,
  a: Actor,
  id: string,
  words: string[],
  version: number,
): Promise<z.infer<typeof ReturnView>> {
  const pre = await d.db.school(a.schoolId, async (q) => {
    const r = await returnRow(q, id);
    const t = await taskFor(q, r.delivery_id);
    assertChecker(a, t, r);
    if (r.state !== 'ready') throw new AppError('return_state');
    if (r.version !== version) throw new AppError('version_conflict');
    return t;
  });
  const keys = await unlockKey(d, a, words);
  const [auth] = await d.db.system((q) =>
    q.query<{ key_box_public: Buffer }>('SELECT key_box_public FROM schools WHERE id = $1', [pre.authority_id]),
  );
  if (!auth) throw new AppError('not_found');
  const packageId = await d.db.schoolTx(a.schoolId, async (q) => {
    const r = await returnRow(q, id, true);
    const t = await taskFor(q, r.delivery_id, true);
    assertChecker(a, t, r); // again under the lock: the assignment may have changed meanwhile
    if (r.state !== 'ready' || r.version !== version) throw new AppError('return_state');
    if (r.problems.length) throw new AppError('return_invalid', { errors: problemErrors(r.problems) });
    const [school] = await q.query<{ school_number: string; key_fingerprint: string }>(
      'SELECT school_number, key_fingerprint FROM schools WHERE id = $1',
      [a.schoolId],
    );
    const now = d.clock.now();
    await setState(d, q, a, r, 'processing');
    const files = bundleOf(r.data);
    const manifest = Object.entries(files).map(([name, body]) => ({ name, bytes: Buffer.byteLength(body), sha256: sha256Hex(body) }));
    const header = {
      refNo: t.ref_no,
      schoolNumber: school?.school_number ?? '',
      authority: t.authority_code as 'EDB' | 'HKEAA',
      category: t.category as never,
      amendment: r.amendment,
      createdAt: now.toISOString(),
      schoolKeyFingerprint: school?.key_fingerprint ?? '',
    };
    const dataKey = newDataKey();
    const aad = canonical(header);
    const unsigned = {
      header,
      manifest,
      wrapped: wrapKey(dataKey, auth.key_box_public, aad),
      ciphertext: sealContent(dataKey, Buffer.from(JSON.stringify({ files })), aad),
    };
    const packageHash = packageHashOf(unsigned);
    const pkg: Pkg = { format: 'hk-school-admin/return-package/v1', ...unsigned, packageHash, signature: signHash(keys.sign, packageHash) };
    const [p] = await q.query<{ id: string }>(
      `INSERT INTO exchange_packages (school_id, authority_id, delivery_id, return_id, amendment, attempt, package, package_hash, state, sent_at)
       VALUES ($1, $2, $3, $4, $5, (SELECT count(*) + 1 FROM exchange_packages WHERE delivery_id = $3 AND amendment = $5), $6, $7, 'sent', $8) RETURNING id`,
      [a.schoolId, t.authority_id, r.delivery_id, id, r.amendment, pkg, packageHash, now],
    );
    await q.query('UPDATE exchange_returns SET approved_by = $2, package_hash = $3 WHERE id = $1', [id, a.userId, packageHash]);
    await setState(d, q, a, { ...r, state: 'processing' }, 'sent', { packageHash });
    await q.query(`UPDATE exchange_tasks SET status = 'submitted' WHERE delivery_id = $1`, [r.delivery_id]);
    await q.query('UPDATE exchange_deliveries SET submitted_at = $2 WHERE id = $1', [r.delivery_id, now]);
    await audit(q, d.clock, {
      ...who(a),
      action: 'exchange.return_sent',
      target: `return:${id}`,
      details: { refNo: t.ref_no, amendment: r.amendment, packageHash, files: manifest.map((m) => m.name) },
    });
    return p?.id ?? '';
  });
  await intake(d, packageId);
  await syncReceipts(d, a.schoolId);
  return getReturn(d, a, id);
}

/**
 * Bring the authority's answers into the school's returns: received (with the receipt's hash) or
 * send_failed (with the reason). Idempotent; the exchange job runs it too, so nothing is lost when
 * a process stops between sending and the receipt.
 */
export async function syncReceipts(d: ExchangeDeps, schoolId: string): Promise<number> {
  return d.db.schoolTx(schoolId, async (q) => {
    const rows = await q.query<{
      id: string;
      delivery_id: string;
      state: string;
      pstate: string;
      refused_reason: string | null;
      receipt_hash: string | null;
      ref_no: string;
    }>(
      `SELECT r.id, r.delivery_id, r.state, p.state AS pstate, p.refused_reason, dl.receipt_hash, dl.ref_no FROM exchange_returns r
       JOIN exchange_packages p ON p.id = (SELECT x.id FROM exchange_packages x WHERE x.return_id = r.id ORDER BY x.attempt DESC LIMIT 1)
       JOIN exchange_deliveries dl ON dl.id = r.delivery_id
       WHERE r.state = 'sent' AND p.state <> 'sent' AND r.school_id = app_school() FOR UPDATE OF r`,
    );
    for (const r of rows) {
      const system = { schoolId, username: null };
      if (r.pstate === 'received') {
        await q.query('UPDATE exchange_returns SET receipt_hash = $2 WHERE id = $1', [r.id, r.receipt_hash]);
        await setState(d, q, system, r, 'received', { receiptHash: r.receipt_hash });
        await q.query(`UPDATE exchange_tasks SET status = 'done', done_at = $2 WHERE delivery_id = $1`, [r.delivery_id, d.clock.now()]);
      } else {
        await q.query('UPDATE exchange_returns SET failure = $2 WHERE id = $1', [r.id, r.refused_reason]);
        await setState(d, q, system, r, 'send_failed', { reason: r.refused_reason });
        await q.query(`UPDATE exchange_tasks SET status = 'in_progress' WHERE delivery_id = $1`, [r.delivery_id]);
        await q.query('UPDATE exchange_deliveries SET submitted_at = NULL WHERE id = $1', [r.delivery_id]);
      }
      await audit(q, d.clock, {
        schoolId,
        action: r.pstate === 'received' ? 'exchange.receipt_recorded' : 'exchange.return_refused',
        outcome: r.pstate === 'received' ? 'success' : 'failure',
        target: `return:${r.id}`,
        details: { refNo: r.ref_no, receiptHash: r.receipt_hash, reason: r.refused_reason },
      });
    }
    return rows.length;
  });
}

export async function returnPackage(d: ExchangeDeps, a: Actor, id: string): Promise<Pkg> {
  const [p] = await d.db.school(a.schoolId, (q) =>
    q.query<{ package: Pkg }>(
      'SELECT package FROM exchange_packages WHERE return_id = $1 AND school_id = app_school() ORDER BY attempt DESC LIMIT 1',
      [id],
    ),
  );
  if (!p) throw new AppError('not_found');
  return p.package;
}
