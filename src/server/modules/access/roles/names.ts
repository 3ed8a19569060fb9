import type { z } from 'zod';
import type { RoleNameList } from '../../../../contracts/labels.js';
import type { AuthDeps } from '../../../core/auth/service.js';
import { listRoleNames } from '../queries/roles.js';

/** The school's roles by name only: whoever may list people may see what their roles are called. */
export async function roleNames(d: Pick<AuthDeps, 'db'>, schoolId: string): Promise<z.infer<typeof RoleNameList>> {
  const rows = await d.db.school(schoolId, (q) => listRoleNames(q));
  return { roles: rows.map((r) => ({ id: r.id, key: r.template_key, nameZh: r.name_zh, nameEn: r.name_en })) };
}
