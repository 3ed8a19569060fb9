import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/server/core/errors.js';
import { parseCidr } from '../../src/server/modules/access/network.js';
import {
  assertAdminRemains,
  assertHoursInOrder,
  assertMayApprove,
  assertMayComplete,
  assertMayDecide,
  assertMayGrant,
  assertMayReview,
  assertMayUndo,
  assertMemberDates,
  assertNotLockedOut,
  assertNotOwnHandover,
  assertOutranks,
  assertOwnRightsReviewed,
  assertPlanComplete,
  assertPlanEditable,
  assertRangesDisjoint,
  assertRoleDeletable,
  assertSuccessorDiffers,
  holdsAll,
  needsSecondReviewer,
  recurrenceDue,
  secondReviewerFor,
  selectForBulk,
  startsLater,
  validGrants,
} from '../../src/server/modules/access/policy.js';

/** The error code a rule throws, or null when it lets the case through. */
function codeOf(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}

const holder = (permissions: string[], ownClassesOnly: string[] = []) => ({
  permissions: new Set(permissions),
  ownClassesOnly: new Set(ownClassesOnly),
});

describe('grant what you hold', () => {
  const teacher = holder(['classes.read', 'students.read'], ['students.read']);

  it('allows granting a right held for the whole school, at either scope', () => {
    expect(holdsAll(teacher, ['classes.read:school', 'classes.read:own_classes'])).toBe(true);
  });
  it('allows granting for own classes a right held only for own classes', () => {
    expect(holdsAll(teacher, ['students.read:own_classes'])).toBe(true);
  });
  it('refuses granting for the whole school a right held only for own classes', () => {
    expect(holdsAll(teacher, ['students.read:school'])).toBe(false);
    expect(codeOf(() => assertMayGrant(teacher, ['students.read:school']))).toBe('grant_not_held');
  });
  it('refuses a right not held at all, even alongside held ones', () => {
    expect(codeOf(() => assertMayGrant(teacher, ['classes.read:school', 'audit.read:school']))).toBe('grant_not_held');
  });
  it('a pair without a scope asks only for the permission', () => {
    expect(holdsAll(teacher, ['students.read'])).toBe(true);
    expect(holdsAll(teacher, ['audit.read'])).toBe(false);
  });
  it('granting nothing is always allowed', () => {
    expect(codeOf(() => assertMayGrant(holder([]), []))).toBeNull();
  });
});

describe('outranks', () => {
  const assistant = holder(['users.reset_password', 'users.unlock', 'classes.read']);

  it('may act on an account holding no more than the actor', () => {
    expect(codeOf(() => assertOutranks(assistant, ['classes.read:school']))).toBeNull();
    expect(codeOf(() => assertOutranks(assistant, []))).toBeNull();
  });
  it('may not act on an account holding a single right the actor lacks', () => {
    expect(codeOf(() => assertOutranks(assistant, ['classes.read:school', 'students.read:own_classes']))).toBe('grant_not_held');
  });
  it('may not act on an account holding for the whole school what the actor holds only for own classes', () => {
    const limited = holder(['students.read'], ['students.read']);
    expect(codeOf(() => assertOutranks(limited, ['students.read:school']))).toBe('grant_not_held');
    expect(codeOf(() => assertOutranks(limited, ['students.read:own_classes']))).toBeNull();
  });
});

describe('role grants', () => {
  it('accepts catalogue permissions and keeps the last of a repeated one', () => {
    expect(
      validGrants([
        { key: 'students.read', scope: 'school' },
        { key: 'classes.read', scope: 'school' },
        { key: 'students.read', scope: 'own_classes' },
      ]),
    ).toEqual([
      { key: 'students.read', scope: 'own_classes' },
      { key: 'classes.read', scope: 'school' },
    ]);
  });
  it('refuses a permission that is not in the catalogue', () => {
    expect(codeOf(() => validGrants([{ key: 'audit.delete', scope: 'school' }]))).toBe('validation_failed');
  });
  it('refuses own-classes scope on a permission that has none', () => {
    expect(codeOf(() => validGrants([{ key: 'audit.read', scope: 'own_classes' }]))).toBe('validation_failed');
    expect(codeOf(() => validGrants([{ key: 'audit.read', scope: 'school' }]))).toBeNull();
  });
});

describe('the school keeps a system administrator', () => {
  it('refuses a change that leaves none, allows one that leaves one', () => {
    expect(codeOf(() => assertAdminRemains(0))).toBe('last_admin');
    expect(codeOf(() => assertAdminRemains(1))).toBeNull();
  });
});

describe('roles and their members', () => {
  it('a template role or a role someone holds (or will hold) stays', () => {
    expect(codeOf(() => assertRoleDeletable({ templateKey: 'teacher' }, 0))).toBe('conflict');
    expect(codeOf(() => assertRoleDeletable({ templateKey: null }, 1))).toBe('conflict');
    expect(codeOf(() => assertRoleDeletable({ templateKey: null }, 0))).toBeNull();
  });
  it('an assignment ends on or after its start, and not before today', () => {
    const today = '2026-11-02';
    expect(codeOf(() => assertMemberDates({ startsOn: '2026-11-10', endsOn: '2026-11-09' }, today))).toBe('dates_out_of_order');
    expect(codeOf(() => assertMemberDates({ startsOn: '2026-11-10', endsOn: '2026-11-10' }, today))).toBeNull();
    expect(codeOf(() => assertMemberDates({ endsOn: '2026-11-01' }, today))).toBe('dates_out_of_order');
    expect(codeOf(() => assertMemberDates({ endsOn: today }, today))).toBeNull();
    expect(codeOf(() => assertMemberDates({}, today))).toBeNull();
  });
  it('an assignment from tomorrow waits; one from today or undated starts now', () => {
    expect(startsLater('2026-11-03', '2026-11-02')).toBe(true);
    expect(startsLater('2026-11-02', '2026-11-02')).toBe(false);
    expect(startsLater(undefined, '2026-11-02')).toBe(false);
  });
});

describe('nobody reviews their own rights', () => {
  it('a reviewer must hold the right to review', () => {
    expect(codeOf(() => assertMayReview(false))).toBe('forbidden');
    expect(codeOf(() => assertMayReview(true))).toBeNull();
  });
  it('the named second reviewer takes the reviewer’s own items; else the starter, if someone else', () => {
    expect(secondReviewerFor({ main: 'rev', starter: 'rev', named: 'two' })).toBe('two');
    expect(secondReviewerFor({ main: 'rev', starter: 'boss', named: null })).toBe('boss');
    expect(secondReviewerFor({ main: 'rev', starter: 'rev', named: null })).toBeNull();
  });
  it('a reviewer holding rights in the campaign needs a second reviewer', () => {
    expect(codeOf(() => assertOwnRightsReviewed(null, true))).toBe('own_review');
    expect(codeOf(() => assertOwnRightsReviewed(null, false))).toBeNull();
    expect(codeOf(() => assertOwnRightsReviewed('two', true))).toBeNull();
  });
  it('only the item’s reviewer decides, never on their own rights, and only while open', () => {
    const item = { userId: 'teacher', reviewerId: 'rev', campaignStatus: 'open' };
    expect(codeOf(() => assertMayDecide(item, 'rev'))).toBeNull();
    expect(codeOf(() => assertMayDecide(item, 'someone'))).toBe('forbidden');
    expect(codeOf(() => assertMayDecide({ ...item, userId: 'rev' }, 'rev'))).toBe('own_review');
    expect(codeOf(() => assertMayDecide({ ...item, campaignStatus: 'completed' }, 'rev'))).toBe('conflict');
  });
  it('an open campaign completes only when every item is decided', () => {
    expect(codeOf(() => assertMayComplete('open', 0))).toBeNull();
    expect(codeOf(() => assertMayComplete('open', 1))).toBe('review_incomplete');
    expect(codeOf(() => assertMayComplete('completed', 0))).toBe('conflict');
  });
  describe('bulk decisions', () => {
    const item = (id: string, o: Partial<Parameters<typeof selectForBulk>[1][number]> = {}) => ({
      id,
      userId: `person-${id}`,
      reviewerId: 'rev',
      roleId: 'teacher',
      recommendation: null,
      decided: false,
      ...o,
    });
    const items = [
      item('a'),
      item('b', { recommendation: 'inactive' }),
      item('c', { roleId: 'admin' }),
      item('d', { decided: true }),
      item('e', { reviewerId: 'other' }),
      item('own', { userId: 'rev', reviewerId: 'rev' }),
    ];
    it('takes the reviewer’s own undecided items that match every filter, never one about the reviewer', () => {
      expect(selectForBulk('open', items, { recommendation: 'none' }, 'rev')).toEqual(['a', 'c']);
      expect(selectForBulk('open', items, { roleId: 'teacher' }, 'rev')).toEqual(['a', 'b']);
      expect(selectForBulk('open', items, { roleId: 'teacher', recommendation: 'inactive' }, 'rev')).toEqual(['b']);
      expect(selectForBulk('open', items, { roleId: 'nobody' }, 'rev')).toEqual([]);
      expect(selectForBulk('open', items, { recommendation: 'none' }, 'other')).toEqual(['e']);
    });
    it('items named one by one must each be decidable by the reviewer, or nothing is decided', () => {
      expect(selectForBulk('open', items, { itemIds: ['a', 'b'] }, 'rev')).toEqual(['a', 'b']);
      expect(codeOf(() => selectForBulk('open', items, { itemIds: ['a', 'own'] }, 'rev'))).toBe('own_review');
      expect(codeOf(() => selectForBulk('open', items, { itemIds: ['a', 'e'] }, 'rev'))).toBe('forbidden');
      expect(codeOf(() => selectForBulk('open', items, { itemIds: ['d'] }, 'rev'))).toBe('conflict');
      expect(codeOf(() => selectForBulk('open', items, { itemIds: ['zz'] }, 'rev'))).toBe('not_found');
    });
    it('nothing is decided once the campaign is completed', () => {
      expect(codeOf(() => selectForBulk('completed', items, { recommendation: 'none' }, 'rev'))).toBe('review_closed');
    });
    it('a batch is undone once, by whoever made it, while the campaign is open', () => {
      const batch = { decidedBy: 'rev', undone: false, campaignStatus: 'open' };
      expect(codeOf(() => assertMayUndo(batch, 'rev'))).toBeNull();
      expect(codeOf(() => assertMayUndo(batch, 'other'))).toBe('forbidden');
      expect(codeOf(() => assertMayUndo({ ...batch, undone: true }, 'rev'))).toBe('conflict');
      expect(codeOf(() => assertMayUndo({ ...batch, campaignStatus: 'completed' }, 'rev'))).toBe('review_closed');
    });
    it('a second reviewer is needed exactly when the reviewer holds rights and nobody else is named', () => {
      expect(needsSecondReviewer(null, true)).toBe(true);
      expect(needsSecondReviewer('second', true)).toBe(false);
      expect(needsSecondReviewer(null, false)).toBe(false);
    });
  });
  it('a recurring campaign is due its number of months after the last was completed', () => {
    const at = new Date('2025-11-02T03:00:00Z');
    expect(recurrenceDue(at, 12, new Date('2026-11-02T02:59:59Z'))).toBe(false);
    expect(recurrenceDue(at, 12, new Date('2026-11-02T03:00:00Z'))).toBe(true);
    expect(recurrenceDue(at, 6, new Date('2026-05-02T03:00:00Z'))).toBe(true);
  });
});

describe('handover', () => {
  it('nobody draws up a plan about themselves', () => {
    expect(codeOf(() => assertNotOwnHandover('me', 'me'))).toBe('own_handover');
    expect(codeOf(() => assertNotOwnHandover('leaver', 'me'))).toBeNull();
  });
  it('successors are named on a draft, not by the person it is about, and are someone else', () => {
    const plan = { status: 'draft', userId: 'leaver' };
    expect(codeOf(() => assertPlanEditable(plan, 'clerk'))).toBeNull();
    expect(codeOf(() => assertPlanEditable(plan, 'leaver'))).toBe('own_handover');
    expect(codeOf(() => assertPlanEditable({ ...plan, status: 'approved' }, 'clerk'))).toBe('conflict');
    expect(codeOf(() => assertSuccessorDiffers('leaver', 'leaver'))).toBe('validation_failed');
    expect(codeOf(() => assertSuccessorDiffers('successor', 'leaver'))).toBeNull();
  });
  it('nobody approves their own handover or one they drew up', () => {
    const plan = { status: 'draft', userId: 'leaver', createdBy: 'clerk' };
    expect(codeOf(() => assertMayApprove(plan, 'principal'))).toBeNull();
    expect(codeOf(() => assertMayApprove(plan, 'leaver'))).toBe('own_handover');
    expect(codeOf(() => assertMayApprove(plan, 'clerk'))).toBe('own_handover');
    expect(codeOf(() => assertMayApprove({ ...plan, status: 'approved' }, 'principal'))).toBe('conflict');
  });
  it('every holding has a successor before approval', () => {
    expect(codeOf(() => assertPlanComplete(1))).toBe('handover_incomplete');
    expect(codeOf(() => assertPlanComplete(0))).toBeNull();
  });
});

describe('network zones and time profiles', () => {
  const r = (cidrs: string[]) => cidrs.map(parseCidr);

  it('a zone’s ranges may touch but not overlap each other', () => {
    expect(codeOf(() => assertRangesDisjoint(r(['10.0.0.0/25', '10.0.0.128/25'])))).toBeNull();
    expect(codeOf(() => assertRangesDisjoint(r(['10.0.0.0/24', '10.0.0.128/25'])))).toBe('zones_overlap');
  });
  it('a new zone may not overlap another zone, either way round', () => {
    expect(codeOf(() => assertRangesDisjoint(r(['10.1.0.0/16']), r(['10.0.0.0/8'])))).toBe('zones_overlap');
    expect(codeOf(() => assertRangesDisjoint(r(['10.0.0.0/8']), r(['10.1.0.0/16'])))).toBe('zones_overlap');
    expect(codeOf(() => assertRangesDisjoint(r(['192.168.0.0/16']), r(['10.0.0.0/8', '2001:db8::/32'])))).toBeNull();
  });
  it('hours end after they start', () => {
    expect(codeOf(() => assertHoursInOrder(480, 481))).toBeNull();
    expect(codeOf(() => assertHoursInOrder(480, 480))).toBe('time_profile_invalid');
  });
  it('whoever changes the policy must still be let in', () => {
    expect(codeOf(() => assertNotLockedOut({ ok: false }))).toBe('network_self_lockout');
    expect(codeOf(() => assertNotLockedOut({ ok: true }))).toBeNull();
  });
});
