import { describe, expect, it } from 'vitest';
import {
  buildPreview,
  classNumbers,
  classSuffix,
  decisionMismatch,
  needsReason,
  nextLevel,
  nextSchoolYear,
  previewFor,
  seesEveryStudent,
  type RollStudent,
} from '../../src/server/modules/planning/rollover/policy.js';

const student = (n: number, x: Partial<RollStudent> = {}): RollStudent => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  regNo: `R${n}`,
  nameEn: `Name ${n}`,
  nameZh: null,
  classCode: '1A',
  level: 'S1',
  classNumber: n,
  leavingByData: false,
  kind: 'roll',
  ...x,
});
const cls = (code: string, level: RollStudent['level'] & string, capacity = 40) => ({ code, level, capacity });
const base = { decisions: new Map(), order: 'name_en' as const, planVersion: 1 };

describe('promotion rule', () => {
  it('moves each level up one; the top levels have none', () => {
    expect(nextLevel('S1')).toBe('S2');
    expect(nextLevel('P5')).toBe('P6');
    expect(nextLevel('P6')).toBeNull();
    expect(nextLevel('S6')).toBeNull();
  });
  it('keeps a class letter from year to year', () => {
    expect(classSuffix('5D')).toBe('D');
    expect(classSuffix('S5D')).toBe('D');
    expect(classSuffix('P3A')).toBe('A');
  });
  it('asks a reason for a class at another level than the decision expects, and only then', () => {
    expect(needsReason('promote', 'S2', 'S3')).toBe(false);
    expect(needsReason('promote', 'S2', 'S4')).toBe(true);
    expect(needsReason('repeat', 'S2', 'S2')).toBe(false);
    expect(needsReason('repeat', 'S2', 'S3')).toBe(true);
    expect(needsReason('leave', 'S2', 'S4')).toBe(false);
  });
  it('promotes by letter, graduates S6 and P6, lets leavers by the records go, lists the unplaced', () => {
    const p = buildPreview({
      ...base,
      students: [
        student(1),
        student(2, { classCode: '6B', level: 'S6' }),
        student(3, { classCode: 'P6A', level: 'P6' }),
        student(4, { leavingByData: true }),
        student(5, { classCode: null, level: null, classNumber: null }),
      ],
      classes: [cls('1A', 'S1'), cls('2A', 'S2')],
    });
    const d = (n: number) => p.decisions[n - 1];
    expect(d(1)).toMatchObject({ action: 'promote', toClass: '2A', toNumber: 1 });
    expect(d(2)).toMatchObject({ action: 'leave', graduates: true });
    expect(d(3)).toMatchObject({ action: 'leave', graduates: true });
    expect(d(4)).toMatchObject({ action: 'leave', graduates: false });
    expect(p.exceptions.map((e) => [e.code, e.regNo])).toEqual([['not_placed', 'R5']]);
    expect(p.totals).toMatchObject({ promoted: 1, leaving: 3, graduating: 2 });
  });
  it('lists a missing class, an unknown class, a level without a reason, a class over capacity and a code twice', () => {
    const decisions = new Map([
      [student(2).id, { action: 'promote' as const, classCode: '9Z', reason: null }],
      [student(3).id, { action: 'promote' as const, classCode: '3A', reason: null }],
    ]);
    const p = buildPreview({
      ...base,
      decisions,
      students: [student(1, { classCode: '1C' }), student(2), student(3), student(4), student(5)],
      classes: [cls('2A', 'S2', 1), cls('3A', 'S3'), cls('3A', 'S3')],
    });
    expect(p.exceptions.map((e) => e.code).sort()).toEqual([
      'class_over_capacity',
      'class_unknown',
      'duplicate_class_code',
      'level_without_reason',
      'no_target_class',
    ]);
  });
  it('a decision must fit the student: the intake is admitted only, only the intake is admitted', () => {
    expect(decisionMismatch('leave', 'intake')).toBe('intake_leave');
    expect(decisionMismatch('promote', 'intake')).toBe('intake_not_admitted');
    expect(decisionMismatch('repeat', 'intake')).toBe('intake_not_admitted');
    expect(decisionMismatch('admit', 'intake')).toBeNull();
    expect(decisionMismatch('admit', 'roll')).toBe('admit_not_intake');
    for (const a of ['promote', 'repeat', 'leave'] as const) expect(decisionMismatch(a, 'roll')).toBeNull();
  });
  it('lists a decision that does not fit the student (an intake pupil leaving, one on roll admitted) as an exception', () => {
    const intake = { kind: 'intake' as const, classCode: null, level: null, classNumber: null };
    const p = buildPreview({
      ...base,
      decisions: new Map([
        [student(1).id, { action: 'leave' as const, classCode: null, reason: null }],
        [student(2).id, { action: 'promote' as const, classCode: '2A', reason: 'x' }],
        [student(3).id, { action: 'admit' as const, classCode: '1A', reason: null }],
      ]),
      students: [student(1, intake), student(2, intake), student(3)],
      classes: [cls('1A', 'S1'), cls('2A', 'S2')],
    });
    expect(p.exceptions.map((e) => [e.code, e.regNo])).toEqual([
      ['intake_leave', 'R1'],
      ['intake_not_admitted', 'R2'],
      ['admit_not_intake', 'R3'],
    ]);
    expect(p.decisions.every((d) => d.toClass === null)).toBe(true);
  });
  it('shows the students only to whoever reads every student; others get the counts and unnamed exceptions', () => {
    const held = (p: string[], own: string[] = []) => ({ permissions: new Set(p), ownClassesOnly: new Set(own) });
    expect(seesEveryStudent(held(['planning.read', 'students.read']))).toBe(true);
    expect(seesEveryStudent(held(['planning.read', 'students.read'], ['students.read']))).toBe(false);
    expect(seesEveryStudent(held(['planning.read']))).toBe(false);
    const p = buildPreview({
      ...base,
      students: [student(1), student(5, { classCode: null, level: null, classNumber: null })],
      classes: [cls('2A', 'S2')],
    });
    expect(previewFor(p, true)).toBe(p);
    const counts = previewFor(p, false);
    expect(counts.decisions).toEqual([]);
    expect(counts.totals).toEqual(p.totals);
    expect(counts.classes).toEqual(p.classes);
    expect(counts.exceptions).toEqual([expect.objectContaining({ code: 'not_placed', studentId: null, regNo: null, name: null })]);
  });
  it('a reason lets a student skip a level', () => {
    const p = buildPreview({
      ...base,
      decisions: new Map([[student(1).id, { action: 'promote' as const, classCode: '3A', reason: 'Skips S2' }]]),
      students: [student(1)],
      classes: [cls('2A', 'S2'), cls('3A', 'S3')],
    });
    expect(p.exceptions).toEqual([]);
    expect(p.decisions[0]).toMatchObject({ toClass: '3A', source: 'manual', reason: 'Skips S2' });
  });
  it('spreads the intake over the entry level evenly, after repeaters', () => {
    const p = buildPreview({
      ...base,
      decisions: new Map([[student(1).id, { action: 'repeat' as const, classCode: null, reason: null }]]),
      students: [
        student(1),
        ...[2, 3, 4, 5, 6].map((n) => student(n, { kind: 'intake', classCode: null, level: null, classNumber: null })),
      ],
      classes: [cls('1A', 'S1'), cls('1B', 'S1'), cls('2A', 'S2')],
    });
    expect(p.classes.map((c) => [c.code, c.total, c.admitted, c.repeating])).toEqual([
      ['1A', 3, 2, 1],
      ['1B', 3, 3, 0],
      ['2A', 0, 0, 0],
    ]);
  });
});

describe('class numbers', () => {
  const people = [
    { id: 'a', regNo: '1', nameEn: 'Wong Tai', nameZh: '黃大', keep: 3 },
    { id: 'b', regNo: '2', nameEn: 'Chan Siu', nameZh: '陳小', keep: 1 },
    { id: 'c', regNo: '3', nameEn: 'Au Man', nameZh: null, keep: null },
    { id: 'd', regNo: '4', nameEn: 'Lee Ka', nameZh: '李家', keep: 1 },
  ];
  it('by English name', () => {
    expect(Object.fromEntries(classNumbers(people, 'name_en'))).toEqual({ c: 1, b: 2, d: 3, a: 4 });
  });
  it('by Chinese name in stroke order, those without one last', () => {
    // 李 (7 strokes), 陳 (11), 黃 (12)
    expect(Object.fromEntries(classNumbers(people, 'name_zh'))).toEqual({ d: 1, b: 2, a: 3, c: 4 });
  });
  it('kept where free; a clash and newcomers after the highest kept, by English name', () => {
    expect(Object.fromEntries(classNumbers(people, 'kept'))).toEqual({ b: 1, a: 3, c: 4, d: 5 });
  });
  it('past 99, into the gaps', () => {
    const full = [
      { id: 'x', regNo: '1', nameEn: 'X', nameZh: null, keep: 99 },
      { id: 'y', regNo: '2', nameEn: 'Y', nameZh: null, keep: null },
    ];
    expect(Object.fromEntries(classNumbers(full, 'kept'))).toEqual({ x: 99, y: 1 });
  });
});

describe('the next school year', () => {
  it('runs 1 September – 31 August after the one ending', () => {
    expect(nextSchoolYear('2027-08-31')).toEqual({ code: '2027/28', startsOn: '2027-09-01', endsOn: '2028-08-31' });
    expect(nextSchoolYear('2099-08-31').code).toBe('2099/00');
  });
});
