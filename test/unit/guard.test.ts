import { describe, expect, it } from 'vitest';
import { accessError } from '../../src/server/core/auth/guard.js';
import { CATALOGUE, ROLE_TEMPLATES, can, notHeld } from '../../src/server/core/auth/permissions.js';

describe('permission guard', () => {
  it('refuses a route that declares nothing, or more than one kind of access, or an unknown permission', () => {
    expect(accessError(undefined)).toMatch(/neither/);
    expect(accessError({})).toMatch(/neither/);
    expect(accessError({ public: true, permission: 'audit.read' })).toMatch(/more than one/);
    expect(accessError({ permission: 'audit.delete' })).toMatch(/unknown permission/);
    expect(accessError({ public: true, partial: true })).toMatch(/partial/);
    expect(accessError({ permission: 'audit.read' })).toBe(null);
    expect(accessError({ self: true, partial: true })).toBe(null);
  });
  it('checks a permission by set membership', () => {
    const held = new Set(['audit.read']);
    expect(can(held, 'audit.read')).toBe(true);
    expect(can(held, 'roles.assign')).toBe(false);
  });
  it('finds what a granter does not hold', () => {
    expect(notHeld(new Set(['users.read']), ['users.read', 'roles.assign'])).toEqual(['roles.assign']);
  });
  it('role templates use only catalogue permissions and cover the memo personnel', () => {
    for (const t of ROLE_TEMPLATES) for (const p of t.permissions) expect(CATALOGUE.has(p.split(':')[0] as string), p).toBe(true);
    expect(ROLE_TEMPLATES.map((t) => t.key)).toEqual([
      'principal', 'vice_principal', 'panel_head', 'system_admin', 'assistant_system_admin', 'seo', 'teacher', 'office_staff', 'technical_support',
    ]);
  });
  it('a permission check costs well under 2 µs', () => {
    // Not a benchmark (that is bench/); a sanity bound far above the target so CI noise cannot fail it.
    const held = new Set([...CATALOGUE.keys()]);
    const n = 200_000;
    const t0 = performance.now();
    let hits = 0;
    for (let i = 0; i < n; i++) if (can(held, 'audit.read')) hits++;
    expect(hits).toBe(n);
    expect(((performance.now() - t0) * 1000) / n).toBeLessThan(2);
  });
});
