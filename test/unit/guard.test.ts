import { describe, expect, it } from 'vitest';
import { accessError } from '../../src/server/core/auth/guard.js';
import type { PermissionKey } from '../../src/contracts/permissions.js';
import { CATALOGUE, ROLE_TEMPLATES } from '../../src/server/core/auth/permissions.js';

describe('permission guard', () => {
  it('refuses a route that declares nothing, or more than one kind of access, or an unknown permission', () => {
    expect(accessError(undefined)).toMatch(/neither/);
    expect(accessError({})).toMatch(/neither/);
    expect(accessError({ public: true, permission: 'audit.read' })).toMatch(/more than one/);
    expect(
      accessError({ permission: 'audit.delete' as PermissionKey }) /* a typo the type check would catch; start-up catches it too */,
    ).toMatch(/unknown permission/);
    expect(accessError({ public: true, partial: true })).toMatch(/partial/);
    expect(accessError({ permission: 'audit.read' })).toBe(null);
    expect(accessError({ self: true, partial: true })).toBe(null);
  });
  it('role templates use only catalogue permissions and cover the memo personnel', () => {
    for (const t of ROLE_TEMPLATES) for (const p of t.permissions) expect(CATALOGUE.has(p.split(':')[0] as string), p).toBe(true);
    expect(ROLE_TEMPLATES.map((t) => t.key)).toEqual([
      'principal',
      'vice_principal',
      'panel_head',
      'system_admin',
      'assistant_system_admin',
      'seo',
      'teacher',
      'office_staff',
      'technical_support',
    ]);
  });
});
