import i18n, { type TFunction } from 'i18next';
import { roleLabel } from '../../components/labels.js';
import type { Permission, Role, User } from '../../api.js';

/** The modules in the order the catalogue and the grid show them. */
export const MODULE_ORDER = ['governance', 'security', 'access', 'notify', 'school'] as const;

/** Only student permissions can be limited to the classes a person teaches (the server refuses others). */
export const isScoped = (key: string) => key.startsWith('students.');

export const permissionLabel = (t: TFunction, key: string) => t(`permissionLabels.${key.replaceAll('.', '_')}`, { defaultValue: key });

export const moduleLabel = (t: TFunction, module: string) => t(`permissionModules.${module}`, { defaultValue: module });

/** A built-in role in the reader's language, a role the school made by the name it gave in that language. */
export const roleName = (role: Pick<Role, 'nameZh' | 'nameEn'> & { key?: string | null }, language: string) =>
  roleLabel(i18n.t.bind(i18n), { key: role.key ?? null, nameZh: role.nameZh, nameEn: role.nameEn }, language);

export const userLabel = (user: User) => `${user.displayNameEn}${user.displayNameZh ? ` ${user.displayNameZh}` : ''} (${user.username})`;

/** The catalogue grouped by module, known modules first in their usual order. */
export function groupByModule(permissions: Permission[]): { module: string; permissions: Permission[] }[] {
  const modules = [...new Set(permissions.map((p) => p.module))].sort((a, b) => {
    const ia = MODULE_ORDER.indexOf(a as (typeof MODULE_ORDER)[number]);
    const ib = MODULE_ORDER.indexOf(b as (typeof MODULE_ORDER)[number]);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  return modules.map((module) => ({ module, permissions: permissions.filter((p) => p.module === module) }));
}
