import type { Queryable } from '../../../../core/db/types.js';

/**
 * People the planning module names: owners (the active people who may see the plan) and whom to
 * remind, in their own language. Reads the accounts' names through a join, as the other modules'
 * lists do (a debt shared with them: to move behind core auth's service).
 */

export interface PersonRow {
  id: string;
  name: string;
}

/** Active people holding a planning right, by name. */
export async function listPlanningPeople(q: Queryable): Promise<PersonRow[]> {
  return q.query<PersonRow>(
    `SELECT DISTINCT u.id, coalesce(u.display_name_zh || ' ' || u.display_name_en, u.display_name_en) AS name
       FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
      WHERE rp.permission IN ('planning.read', 'planning.manage') AND u.status = 'active'
      ORDER BY 2`,
  );
}

export interface RecipientRow {
  id: string;
  locale: 'zh-HK' | 'en';
}

/** Active holders of planning.manage, with the language each uses: reminded of a task nobody owns. */
export async function listPlanningManagers(q: Queryable): Promise<RecipientRow[]> {
  return q.query<RecipientRow>(
    `SELECT DISTINCT u.id, u.locale FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_permissions rp ON rp.role_id = ur.role_id
      WHERE rp.permission = 'planning.manage' AND u.status = 'active'`,
  );
}

/** These people, if active, with their language. */
export async function listActivePeople(q: Queryable, ids: readonly string[]): Promise<RecipientRow[]> {
  if (!ids.length) return [];
  return q.query<RecipientRow>(`SELECT id, locale FROM users WHERE id = ANY($1::uuid[]) AND status = 'active'`, [ids]);
}
