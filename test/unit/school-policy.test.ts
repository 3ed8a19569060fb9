import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/server/core/errors.js';
import {
  assertMayImport,
  assertVersion,
  assertWholeSchool,
  assertYearOpen,
  IMPORT_PERMISSION,
  importedPlacementFrom,
  placementDateInYear,
  newYearStatus,
  schoolYear,
  scopeOf,
  staffDatesInOrder,
  studentDatesInOrder,
} from '../../src/server/modules/school/policy.js';

/** The error code a rule throws, or null when it lets the action through. */
function refusal(rule: () => void): string | null {
  try {
    rule();
    return null;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}

const none = new Set<string>();
const ALL = ['students.read', 'students.manage', 'staff.manage', 'school.setup.manage'];
/** Every right above held, those named for own classes only. */
const held = (own: string[] = []) => ({ permissions: new Set(ALL), ownClassesOnly: new Set(own) });

describe('own-classes scope', () => {
  it('a permission held for the whole school reaches every student', () => {
    expect(scopeOf(none, 'students.read')).toBe('school');
  });
  it('a permission held for own classes only reaches only those classes', () => {
    expect(scopeOf(new Set(['students.read']), 'students.read')).toBe('own_classes');
  });
  it('each permission has its own scope: reading may be whole-school while changing is own-classes', () => {
    const own = new Set(['students.manage']);
    expect(scopeOf(own, 'students.read')).toBe('school');
    expect(scopeOf(own, 'students.manage')).toBe('own_classes');
  });
});

describe('whole-school actions', () => {
  it('adding a student needs students.manage for the whole school', () => {
    expect(refusal(() => assertWholeSchool(held(), 'students.manage'))).toBeNull();
    expect(refusal(() => assertWholeSchool(held(['students.manage']), 'students.manage'))).toBe('forbidden');
  });
  it('a permission not held at all is refused, whatever route led there', () => {
    const without = { permissions: new Set(['students.read', 'planning.manage']), ownClassesOnly: none };
    expect(refusal(() => assertWholeSchool(without, 'students.manage'))).toBe('forbidden');
    expect(refusal(() => assertMayImport(without, 'students'))).toBe('forbidden');
  });
  it('a limit on another permission does not matter', () => {
    expect(refusal(() => assertWholeSchool(held(['students.read']), 'students.manage'))).toBeNull();
  });
});

describe('import scope', () => {
  it('each kind names the permission its route requires', () => {
    expect(IMPORT_PERMISSION).toEqual({
      students: 'students.manage',
      staff: 'staff.manage',
      classes: 'school.setup.manage',
      class_subjects: 'school.setup.manage',
    });
  });
  it('an import with the permission for the whole school goes ahead', () => {
    for (const kind of ['students', 'staff', 'classes', 'class_subjects'] as const)
      expect(refusal(() => assertMayImport(held(), kind))).toBeNull();
  });
  it('an import with the kind’s permission for own classes only is refused', () => {
    expect(refusal(() => assertMayImport(held(['students.manage']), 'students'))).toBe('forbidden');
    expect(refusal(() => assertMayImport(held(['school.setup.manage']), 'class_subjects'))).toBe('forbidden');
  });
  it('only the kind’s own permission is looked at', () => {
    expect(refusal(() => assertMayImport(held(['students.manage']), 'staff'))).toBeNull();
    expect(refusal(() => assertMayImport(held(['students.read']), 'students'))).toBeNull();
  });
});

describe('school years', () => {
  it('a year runs 1 September to 31 August and is written with the next year’s last two digits', () => {
    expect(schoolYear(2026)).toEqual({ code: '2026/27', startsOn: '2026-09-01', endsOn: '2027-08-31' });
    expect(schoolYear(2099)).toEqual({ code: '2099/00', startsOn: '2099-09-01', endsOn: '2100-08-31' });
    expect(schoolYear(2008).code).toBe('2008/09');
  });
  it('the first year becomes current, later ones are planned', () => {
    expect(newYearStatus(0)).toBe('current');
    expect(newYearStatus(1)).toBe('planned');
  });
  it('a finished year is read-only; planned and current years take writes; an unknown year is not found', () => {
    expect(refusal(() => assertYearOpen('planned'))).toBeNull();
    expect(refusal(() => assertYearOpen('current'))).toBeNull();
    expect(refusal(() => assertYearOpen('finished'))).toBe('year_finished');
    expect(refusal(() => assertYearOpen(undefined))).toBe('not_found');
  });
});

describe('editing records', () => {
  it('a save based on the stored version goes ahead; any other version is a conflict', () => {
    expect(refusal(() => assertVersion(3, 3))).toBeNull();
    expect(refusal(() => assertVersion(3, 2))).toBe('version_conflict');
    expect(refusal(() => assertVersion(3, 4))).toBe('version_conflict');
  });
  it('staff leave on or after joining; an unknown date is never out of order', () => {
    expect(staffDatesInOrder('2020-01-01', '2020-01-01')).toBe(true);
    expect(staffDatesInOrder('2020-01-02', '2020-01-01')).toBe(false);
    expect(staffDatesInOrder(undefined, '2020-01-01')).toBe(true);
    expect(staffDatesInOrder('2020-01-01', undefined)).toBe(true);
  });
  it('a student is born before entering and leaves on or after entering', () => {
    expect(studentDatesInOrder('2014-02-03', '2026-09-01', undefined)).toBe(true);
    expect(studentDatesInOrder('2026-09-01', '2026-09-01', undefined)).toBe(false);
    expect(studentDatesInOrder('2014-02-03', '2026-09-01', '2026-09-01')).toBe(true);
    expect(studentDatesInOrder('2014-02-03', '2026-09-01', '2026-08-31')).toBe(false);
  });
});

describe('imported placements', () => {
  it('start on the day chosen for the file, whether the student is new or already placed', () => {
    expect(importedPlacementFrom('2026-09-01', '2020-09-01')).toBe('2026-09-01');
    expect(importedPlacementFrom('2026-11-02', '2020-09-01')).toBe('2026-11-02');
  });
  it('or on the student’s entry date when they join later than that day', () => {
    expect(importedPlacementFrom('2026-09-01', '2026-10-15')).toBe('2026-10-15');
    expect(importedPlacementFrom('2026-09-01', '2026-09-01')).toBe('2026-09-01');
  });
  it('the day must fall within the current year', () => {
    expect(placementDateInYear('2026-09-01', '2026-09-01', '2027-08-31')).toBe(true);
    expect(placementDateInYear('2027-08-31', '2026-09-01', '2027-08-31')).toBe(true);
    expect(placementDateInYear('2026-08-31', '2026-09-01', '2027-08-31')).toBe(false);
    expect(placementDateInYear('2027-09-01', '2026-09-01', '2027-08-31')).toBe(false);
    expect(placementDateInYear('2027-09-01', null, null)).toBe(true);
  });
});
