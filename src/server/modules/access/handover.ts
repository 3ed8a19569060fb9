import type { z } from 'zod';
import { type Actor, who } from '../../core/auth/actor.js';
import type { HandoverCreateBody } from '../../../contracts/admin.js';
import { audit } from '../../core/audit/audit.js';
import type { AuthDeps } from '../../core/auth/service.js';
import type { SessionStore } from '../../core/auth/sessions.js';
import type { CheckRegistry, CheckResult } from '../../core/checks/registry.js';
import { type Clock, hongKongDate } from '../../core/clock.js';
import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import type { HoldingRegistry } from '../../core/handover/registry.js';
import type { Job } from '../../core/scheduler/scheduler.js';
import { hkToday } from './roles.js';
import { assertAdminRemains } from './rules.js';

export type HandoverDeps = AuthDeps & { holdings: HoldingRegistry };

/** What this module lets people hold: roles (now and planned), review tasks, places on the notification list. */
export function registerAccessHoldings(registry: HoldingRegistry): void {
  registry.register({
    kind: 'role',
    list: async (q, userId) =>
      (
        await q.query<{ id: string; name_en: string; name_zh: string }>(
          'SELECT r.id, r.name_en, r.name_zh FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 ORDER BY r.name_en',
          [userId],
        )
      ).map((r) => ({ kind: 'role', key: r.id, labelEn: `Role: ${r.name_en}`, labelZh: `角色：${r.name_zh}` })),
    async transfer(q, schoolId, h, from, to) {
      await q.query(
        'INSERT INTO user_roles (school_id, user_id, role_id, granted_at, granted_by) VALUES ($1, $2, $3, now(), NULL) ON CONFLICT DO NOTHING',
        [schoolId, to, h.key],
      );
      await q.query('DELETE FROM user_roles WHERE user_id = $1 AND role_id = $2', [from, h.key]);
    },
  });
  registry.register({
    kind: 'review_task',
    list: async (q, userId) =>
      (
        await q.query<{ review_id: string; name: string; n: number }>(
          `SELECT r.id AS review_id, r.name, count(*) AS n FROM access_review_items i JOIN access_reviews r ON r.id = i.review_id
         WHERE i.reviewer_id = $1 AND i.decision IS NULL AND r.status = 'open' GROUP BY r.id, r.name`,
          [userId],
        )
      ).map((r) => ({
        kind: 'review_task',
        key: r.review_id,
        labelEn: `Access review: ${r.name} (${r.n} to decide)`,
        labelZh: `權限審核：${r.name}（${r.n} 項待決定）`,
      })),
    async transfer(q, _schoolId, h, from, to) {
      // Items about the successor themselves stay with the campaign's starter: nobody reviews their own rights.
      await q.query(
        `UPDATE access_review_items i SET reviewer_id = CASE WHEN i.user_id = $3 THEN r.created_by ELSE $3 END
         FROM access_reviews r WHERE r.id = i.review_id AND i.review_id = $1 AND i.reviewer_id = $2 AND i.decision IS NULL`,
        [h.key, from, to],
      );
    },
  });
  registry.register({
    kind: 'notification_list',
    list: async (q, userId) =>
      (await q.query<{ id: string; events: string[] }>('SELECT id, events FROM security_recipients WHERE user_id = $1', [userId])).map(
        (r) => ({
          kind: 'notification_list',
          key: r.id,
          labelEn: `Security notification list: ${r.events.join(', ')}`,
          labelZh: `保安通知名單：${r.events.join('、')}`,
        }),
      ),
    async transfer(q, _schoolId, h, _from, to) {
      await q.query('UPDATE security_recipients SET user_id = $2 WHERE id = $1', [h.key, to]);
    },
  });
}

interface PlanRow {
  id: string;
  user_id: string;
  username: string;
  display_name_en: string;
  display_name_zh: string | null;
  reason: 'leaving' | 'duty_change';
  effective_on: string;
  disable_account: boolean;
  status: 'draft' | 'approved' | 'applied' | 'cancelled';
  created_by_name: string;
  approved_by_name: string | null;
  created_by: string;
  item_count?: number;
  assigned?: number;
}
const PLAN_COLS = `p.id, p.user_id, u.username, u.display_name_en, u.display_name_zh, p.reason, p.effective_on::text, p.disable_account, p.status, p.created_by,
  cb.username AS created_by_name, ab.username AS approved_by_name`;
const PLAN_FROM =
  'FROM handover_plans p JOIN users u ON u.id = p.user_id JOIN users cb ON cb.id = p.created_by LEFT JOIN users ab ON ab.id = p.approved_by';
const planView = (p: PlanRow) => ({
  id: p.id,
  userId: p.user_id,
  username: p.username,
  displayName: p.display_name_zh ? `${p.display_name_en} ${p.display_name_zh}` : p.display_name_en,
  reason: p.reason,
  effectiveOn: p.effective_on,
  disableAccount: p.disable_account,
  status: p.status,
  createdBy: p.created_by_name,
  approvedBy: p.approved_by_name,
});

export async function listPlans(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  const rows = await d.db.school(schoolId, (q) =>
    q.query<PlanRow>(
      `SELECT ${PLAN_COLS}, (SELECT count(*) FROM handover_items i WHERE i.plan_id = p.id) AS item_count,
              (SELECT count(*) FROM handover_items i WHERE i.plan_id = p.id AND i.successor_id IS NOT NULL) AS assigned
       ${PLAN_FROM} ORDER BY p.effective_on DESC LIMIT 200`,
    ),
  );
  return rows.map((p) => ({ ...planView(p), itemCount: p.item_count ?? 0, assigned: p.assigned ?? 0 }));
}

async function loadPlan(q: Queryable, id: string, lock = false): Promise<PlanRow> {
  const [p] = await q.query<PlanRow>(`SELECT ${PLAN_COLS} ${PLAN_FROM} WHERE p.id = $1${lock ? ' FOR UPDATE OF p' : ''}`, [id]);
  if (!p) throw new AppError('not_found');
  return p;
}

export async function getPlan(d: Pick<AuthDeps, 'db'>, schoolId: string, id: string) {
  return d.db.school(schoolId, async (q) => {
    const p = await loadPlan(q, id);
    const items = await q.query<{
      id: string;
      kind: string;
      label_en: string;
      label_zh: string;
      successor_id: string | null;
      successor_name: string | null;
    }>(
      'SELECT i.id, i.kind, i.label_en, i.label_zh, i.successor_id, s.username AS successor_name FROM handover_items i LEFT JOIN users s ON s.id = i.successor_id WHERE i.plan_id = $1 ORDER BY i.kind, i.label_en',
      [id],
    );
    return {
      ...planView(p),
      items: items.map((i) => ({
        id: i.id,
        kind: i.kind,
        labelEn: i.label_en,
        labelZh: i.label_zh,
        successorId: i.successor_id,
        successorName: i.successor_name,
      })),
    };
  });
}

/** List everything the person holds, from every module, as items waiting for successors. */
export async function createPlan(d: HandoverDeps, a: Actor, b: z.infer<typeof HandoverCreateBody>): Promise<string> {
  if (b.effectiveOn < hkToday(d.clock)) throw new AppError('dates_out_of_order');
  if (b.userId === a.userId) throw new AppError('own_handover');
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const [u] = await q.query<{ id: string }>(`SELECT id FROM users WHERE id = $1 AND status = 'active'`, [b.userId]);
      if (!u) throw new AppError('not_found');
      const [p] = await q.query<{ id: string }>(
        `INSERT INTO handover_plans (school_id, user_id, reason, effective_on, disable_account, status, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7) RETURNING id`,
        [a.schoolId, b.userId, b.reason, b.effectiveOn, b.disableAccount ?? b.reason === 'leaving', a.userId, d.clock.now()],
      );
      if (!p) throw new Error('plan not created');
      const holdings = await d.holdings.holdingsOf(q, b.userId);
      for (const h of holdings) {
        await q.query(
          'INSERT INTO handover_items (school_id, plan_id, kind, holding_key, label_en, label_zh) VALUES ($1, $2, $3, $4, $5, $6)',
          [a.schoolId, p.id, h.kind, h.key, h.labelEn, h.labelZh],
        );
      }
      await audit(q, d.clock, {
        ...who(a),
        action: 'handover.planned',
        target: `handover:${p.id}`,
        details: { user: b.userId, effectiveOn: b.effectiveOn, reason: b.reason, holdings: holdings.length },
      });
      return p.id;
    });
  } catch (err) {
    throw (err as { code?: string }).code === '23505' ? new AppError('conflict') : err;
  }
}

export async function setSuccessor(d: HandoverDeps, a: Actor, planId: string, itemId: string, successorId: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const p = await loadPlan(q, planId, true);
    if (p.status !== 'draft') throw new AppError('conflict');
    if (p.user_id === a.userId) throw new AppError('own_handover');
    if (successorId === p.user_id) throw new AppError('validation_failed', { errors: [{ path: '/successorId', code: 'same_person' }] });
    const [s] = await q.query(`SELECT id FROM users WHERE id = $1 AND status = 'active'`, [successorId]);
    if (!s) throw new AppError('not_found');
    const upd = await q.query('UPDATE handover_items SET successor_id = $3 WHERE id = $1 AND plan_id = $2 RETURNING id', [
      itemId,
      planId,
      successorId,
    ]);
    if (!upd.length) throw new AppError('not_found');
    await audit(q, d.clock, {
      ...who(a),
      action: 'handover.successor_set',
      target: `handover:${planId}`,
      details: { item: itemId, successor: successorId },
    });
  });
}

/** The principal approves a complete plan; nobody approves a plan about themselves or one they drew up. */
export async function approvePlan(d: HandoverDeps, a: Actor, planId: string): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const p = await loadPlan(q, planId, true);
    if (p.status !== 'draft') throw new AppError('conflict');
    if (p.user_id === a.userId || p.created_by === a.userId) throw new AppError('own_handover');
    const [open] = await q.query<{ n: number }>('SELECT count(*) AS n FROM handover_items WHERE plan_id = $1 AND successor_id IS NULL', [
      planId,
    ]);
    if ((open?.n ?? 0) > 0) throw new AppError('handover_incomplete');
    await q.query(`UPDATE handover_plans SET status = 'approved', approved_by = $2, approved_at = $3 WHERE id = $1`, [
      planId,
      a.userId,
      d.clock.now(),
    ]);
    await audit(q, d.clock, {
      ...who(a),
      action: 'handover.approved',
      target: `handover:${planId}`,
      details: { user: p.username, effectiveOn: p.effective_on },
    });
  });
}

/** On the effective date: transfer every holding, disable the account when leaving, end the sessions. Once. */
export function handoverJob(d: { clock: Clock; sessions: SessionStore; holdings: HoldingRegistry }): Job {
  return {
    name: 'handover',
    everyMs: 15 * 60_000,
    async run({ db }) {
      const today = hkToday(d.clock);
      const schools = await db.system((q) => q.query<{ id: string }>('SELECT id FROM schools'));
      for (const { id: schoolId } of schools) {
        const due = await db.school(schoolId, (q) =>
          q.query<{ id: string }>(`SELECT id FROM handover_plans WHERE status = 'approved' AND effective_on <= $1`, [today]),
        );
        for (const { id } of due) {
          const hashes = await db.schoolTx(schoolId, async (q) => {
            const [p] = await q.query<{ user_id: string; disable_account: boolean; status: string }>(
              'SELECT user_id, disable_account, status FROM handover_plans WHERE id = $1 FOR UPDATE',
              [id],
            );
            if (!p || p.status !== 'approved') return [];
            const items = await q.query<{ kind: string; holding_key: string; successor_id: string }>(
              'SELECT kind, holding_key, successor_id FROM handover_items WHERE plan_id = $1',
              [id],
            );
            const touched = new Set<string>([p.user_id]);
            for (const i of items) {
              await d.holdings.get(i.kind).transfer(q, schoolId, { key: i.holding_key }, p.user_id, i.successor_id);
              touched.add(i.successor_id);
            }
            if (p.disable_account) await q.query(`UPDATE users SET status = 'disabled' WHERE id = $1`, [p.user_id]);
            await assertAdminRemains(q);
            await q.query(`UPDATE handover_plans SET status = 'applied', applied_at = $2 WHERE id = $1`, [id, d.clock.now()]);
            await audit(q, d.clock, {
              schoolId,
              action: 'handover.applied',
              target: `handover:${id}`,
              details: { user: p.user_id, items: items.length, disabled: p.disable_account },
            });
            const out: Buffer[] = [];
            for (const u of touched) out.push(...(await d.sessions.rightsChanged(q, u)));
            if (p.disable_account)
              out.push(
                ...(await q.query<{ token_hash: Buffer }>('DELETE FROM sessions WHERE user_id = $1 RETURNING token_hash', [p.user_id])).map(
                  (r) => Buffer.from(r.token_hash),
                ),
              );
            return out;
          });
          await d.sessions.forget(hashes);
        }
      }
    },
  };
}

/** Memo U3: anyone leaving within 60 days has an approved plan; past the date without one is overdue. */
export function registerHandoverChecks(registry: CheckRegistry): void {
  registry.register({
    key: 'memo.U3.handover',
    memo: 'U3',
    owner: 'handover.manage',
    async evaluate({ q, now }): Promise<CheckResult> {
      const today = hongKongDate(now);
      const horizon = hongKongDate(new Date(now.getTime() + 60 * 86_400_000));
      const rows = await q.query<{ username: string; leave_date: string; planned: boolean }>(
        `SELECT u.username, sf.leave_date::text,
                EXISTS (SELECT 1 FROM handover_plans p WHERE p.user_id = u.id AND p.status IN ('approved', 'applied')) AS planned
         FROM staff sf JOIN users u ON u.id = sf.user_id
         WHERE sf.leave_date IS NOT NULL AND sf.leave_date <= $1 AND u.status = 'active'`,
        [horizon],
      );
      const missing = rows.filter((r) => !r.planned);
      const link = '/admin/handover';
      if (!missing.length) return { status: 'ok', summaryKey: 'checks.handover.ok', params: { count: rows.length }, link };
      const late = missing.filter((r) => r.leave_date < today);
      return {
        status: late.length ? 'overdue' : 'attention',
        summaryKey: late.length ? 'checks.handover.overdue' : 'checks.handover.missing',
        params: { count: missing.length, names: missing.map((m) => m.username).join(', ') },
        evidence: missing.map((m) => `${m.username} ${m.leave_date}`),
        link,
      };
    },
  });
}
