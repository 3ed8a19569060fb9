import type { Queryable } from '../../../core/db/types.js';
import type { Duty } from '../policy.js';
import type { CategoryKey } from '../types.js';

/** The exchange duties a person holds (memo U3 handover, memo O1 procedures). */

const DUTY_COLUMNS = `(VALUES ('owner', p.owner_id), ('backup', p.backup_id), ('checker', p.checker_id)) AS d(duty, user_id)`;

export interface ProcedureDutyRow {
  category: CategoryKey;
  duty: Duty;
}

/** The procedures that name the person, one row per duty. */
export async function listProcedureDuties(q: Queryable, userId: string): Promise<ProcedureDutyRow[]> {
  return q.query<ProcedureDutyRow>(
    `SELECT p.category, d.duty FROM exchange_procedures p CROSS JOIN LATERAL ${DUTY_COLUMNS} WHERE d.user_id = $1 ORDER BY p.category, d.duty`,
    [userId],
  );
}

export interface DutyPeopleRow {
  owner_id: string | null;
  backup_id: string | null;
  checker_id: string | null;
}

export async function lockProcedurePeople(q: Queryable, category: string): Promise<DutyPeopleRow | undefined> {
  const [r] = await q.query<DutyPeopleRow>(
    'SELECT owner_id, backup_id, checker_id FROM exchange_procedures WHERE category = $1 FOR UPDATE',
    [category],
  );
  return r;
}

/** The duty passes from `from` to `to` (null: left unfilled); a duty someone else holds by now is left alone. */
export async function transferProcedureDuty(q: Queryable, category: string, duty: Duty, from: string, to: string | null): Promise<void> {
  await q.query(
    `UPDATE exchange_procedures SET
       owner_id = CASE WHEN $2 = 'owner' AND owner_id = $3 THEN $4::uuid ELSE owner_id END,
       backup_id = CASE WHEN $2 = 'backup' AND backup_id = $3 THEN $4::uuid ELSE backup_id END,
       checker_id = CASE WHEN $2 = 'checker' AND checker_id = $3 THEN $4::uuid ELSE checker_id END
     WHERE category = $1`,
    [category, duty, from, to],
  );
}

export interface TaskDutyRow {
  delivery_id: string;
  ref_no: string;
  title_zh: string;
  title_en: string;
  duty: Duty;
}

/** Open tasks (not submitted, not done) that name the person, one row per duty. */
export async function listTaskDuties(q: Queryable, userId: string): Promise<TaskDutyRow[]> {
  return q.query<TaskDutyRow>(
    `SELECT p.delivery_id, dl.ref_no, dl.title_zh, dl.title_en, d.duty FROM exchange_tasks p JOIN exchange_deliveries dl ON dl.id = p.delivery_id
       CROSS JOIN LATERAL ${DUTY_COLUMNS}
     WHERE d.user_id = $1 AND p.status NOT IN ('submitted', 'done') ORDER BY dl.deadline, dl.ref_no, d.duty`,
    [userId],
  );
}

export async function lockTaskPeople(q: Queryable, deliveryId: string): Promise<DutyPeopleRow | undefined> {
  const [r] = await q.query<DutyPeopleRow>('SELECT owner_id, backup_id, checker_id FROM exchange_tasks WHERE delivery_id = $1 FOR UPDATE', [
    deliveryId,
  ]);
  return r;
}

export async function transferTaskDuty(q: Queryable, deliveryId: string, duty: Duty, from: string, to: string | null): Promise<void> {
  await q.query(
    `UPDATE exchange_tasks SET
       owner_id = CASE WHEN $2 = 'owner' AND owner_id = $3 THEN $4::uuid ELSE owner_id END,
       backup_id = CASE WHEN $2 = 'backup' AND backup_id = $3 THEN $4::uuid ELSE backup_id END,
       checker_id = CASE WHEN $2 = 'checker' AND checker_id = $3 THEN $4::uuid ELSE checker_id END
     WHERE delivery_id = $1 AND status NOT IN ('submitted', 'done')`,
    [deliveryId, duty, from, to],
  );
}

export interface DutyHolderRow {
  category: CategoryKey;
  duty: Duty;
  user_id: string | null;
  name_zh: string | null;
  name_en: string | null;
  active: boolean;
  holds_right: boolean;
}

/** Every procedure's three duties with the person named, whether they are active and hold the duty's right ($1 prepare, $2 approve). */
export async function listDutyHolders(q: Queryable, prepare: string, approve: string): Promise<DutyHolderRow[]> {
  return q.query<DutyHolderRow>(
    `SELECT p.category, d.duty, d.user_id, u.display_name_zh AS name_zh, u.display_name_en AS name_en, coalesce(u.status = 'active', false) AS active,
            EXISTS (SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
                     WHERE ur.user_id = d.user_id AND rp.permission = CASE WHEN d.duty = 'checker' THEN $2 ELSE $1 END) AS holds_right
       FROM exchange_procedures p CROSS JOIN LATERAL ${DUTY_COLUMNS} LEFT JOIN users u ON u.id = d.user_id`,
    [prepare, approve],
  );
}
