import type { Locale } from '../../../../contracts/auth.js';
import type { Queryable } from '../../../core/db/types.js';

/** The people the dashboard's messages go to: who they are, their language, and what they hold. */

export interface PersonRow {
  id: string;
  email: string | null;
  locale: Locale;
  display_name_zh: string | null;
  display_name_en: string;
  /** Every permission the person holds through any role. */
  permissions: string[];
}

/** The school's active people with their permissions (one row each; someone with no role holds none). */
export async function listActivePeople(q: Queryable): Promise<PersonRow[]> {
  return q.query<PersonRow>(
    `SELECT u.id, u.email, u.locale, u.display_name_zh, u.display_name_en,
            coalesce(array_agg(DISTINCT rp.permission) FILTER (WHERE rp.permission IS NOT NULL), '{}') AS permissions
       FROM users u LEFT JOIN user_roles ur ON ur.user_id = u.id LEFT JOIN role_permissions rp ON rp.role_id = ur.role_id
      WHERE u.status = 'active'
      GROUP BY u.id ORDER BY u.username`,
  );
}

export interface NameRow {
  display_name_zh: string | null;
  display_name_en: string;
}

export async function findPersonName(q: Queryable, userId: string): Promise<NameRow | undefined> {
  const [r] = await q.query<NameRow>('SELECT display_name_zh, display_name_en FROM users WHERE id = $1', [userId]);
  return r;
}
