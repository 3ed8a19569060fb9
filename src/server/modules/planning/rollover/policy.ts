import type { z } from 'zod';
import type { DecisionView, NumberOrder, RolloverAction, RolloverException, RolloverPreview } from '../../../../contracts/rollover.js';
import type { Level } from '../../../../contracts/school.js';

/**
 * The rollover's rules as pure functions (unit-tested at their edges): who goes where by the
 * promotion rule, what a decision set by hand changes, which class numbers each student gets, and
 * every exception that stops a migration.
 */

type LevelName = z.infer<typeof Level>;
type Action = z.infer<typeof RolloverAction>;
type Exception = z.infer<typeof RolloverException>;
type Decision = z.infer<typeof DecisionView>;
export type Order = z.infer<typeof NumberOrder>;

const NEXT: Record<LevelName, LevelName | null> = {
  P1: 'P2',
  P2: 'P3',
  P3: 'P4',
  P4: 'P5',
  P5: 'P6',
  P6: null,
  S1: 'S2',
  S2: 'S3',
  S3: 'S4',
  S4: 'S5',
  S5: 'S6',
  S6: null,
};
const RANK: LevelName[] = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6'];

/** The level after this one; null for the top levels (P6, S6), whose students graduate. */
export const nextLevel = (l: LevelName): LevelName | null => NEXT[l];
export const isTopLevel = (l: LevelName): boolean => NEXT[l] === null;

/** A class's letter part, the same from year to year: `5D` → `D`, `S5D` → `D`, `P3A` → `A`. */
export function classSuffix(code: string): string {
  return code.toUpperCase().replace(/^[PS]?[1-6]/, '');
}

export interface RollStudent {
  id: string;
  regNo: string;
  nameEn: string;
  nameZh: string | null;
  /** Their class and number on the old year's last day (null: on roll but not placed that day). */
  classCode: string | null;
  level: LevelName | null;
  classNumber: number | null;
  /** A leave date on or before the old year's last day: they leave by the records. */
  leavingByData: boolean;
  /** `intake`: admitted for the new year (first on roll after the old year ended). */
  kind: 'roll' | 'intake';
}

export interface PlanClassRule {
  code: string;
  level: LevelName;
  capacity: number;
}

export interface ManualDecision {
  action: Action;
  classCode: string | null;
  reason: string | null;
}

/** The plan's class of `level` with the same letter as `fromCode` (the rule's class). */
function ruleClass(classes: PlanClassRule[], level: LevelName, fromCode: string | null): PlanClassRule | undefined {
  const suffix = fromCode === null ? null : classSuffix(fromCode);
  return classes.find((c) => c.level === level && suffix !== null && classSuffix(c.code) === suffix);
}

/** The level a decision expects its class to be at: the next for a promotion, the same for a repeat. */
export function expectedLevel(action: Action, from: LevelName | null): LevelName | null {
  if (from === null) return null;
  if (action === 'promote') return nextLevel(from);
  if (action === 'repeat') return from;
  return null;
}

/** A class at another level than the decision expects needs a reason (a student moved up two levels, or put back). */
export function needsReason(action: Action, from: LevelName | null, classLevel: LevelName): boolean {
  if (action !== 'promote' && action !== 'repeat') return false;
  return expectedLevel(action, from) !== classLevel;
}

/** The ways a decision by hand can fail to fit the student it is for. */
export type DecisionMismatch = 'intake_leave' | 'intake_not_admitted' | 'admit_not_intake';

/**
 * A decision must fit who the student is: the intake is admitted (one who will not come is removed
 * from the records, not given a leave date before their entry date), and only the intake is admitted
 * (one on roll is promoted or repeats, where a class at another level needs a reason).
 */
export function decisionMismatch(action: Action, kind: RollStudent['kind']): DecisionMismatch | null {
  if (kind === 'intake') return action === 'admit' ? null : action === 'leave' ? 'intake_leave' : 'intake_not_admitted';
  return action === 'admit' ? 'admit_not_intake' : null;
}

const enCollator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
// Chinese names in stroke order, as Hong Kong class lists are; those without one after, by English name.
const zhCollator = new Intl.Collator('zh-Hant-HK-u-co-stroke');

export interface Numbered {
  id: string;
  regNo: string;
  nameEn: string;
  nameZh: string | null;
  /** Their old number, for `kept` (only when they stay with the same class letter). */
  keep: number | null;
}

/** Class numbers 1…n for one class's students, by English name, by Chinese name, or kept (newcomers after). */
export function classNumbers(students: Numbered[], order: Order): Map<string, number> {
  const byEn = (a: Numbered, b: Numbered) => enCollator.compare(a.nameEn, b.nameEn) || (a.regNo < b.regNo ? -1 : a.regNo > b.regNo ? 1 : 0);
  const byZh = (a: Numbered, b: Numbered) => {
    if (a.nameZh && b.nameZh) return zhCollator.compare(a.nameZh, b.nameZh) || byEn(a, b);
    if (a.nameZh) return -1;
    if (b.nameZh) return 1;
    return byEn(a, b);
  };
  const out = new Map<string, number>();
  if (order !== 'kept') {
    [...students].sort(order === 'name_zh' ? byZh : byEn).forEach((s, i) => out.set(s.id, i + 1));
    return out;
  }
  const used = new Set<number>();
  const rest: Numbered[] = [];
  for (const s of [...students].sort((a, b) => (a.keep ?? 100) - (b.keep ?? 100) || byEn(a, b))) {
    if (s.keep !== null && !used.has(s.keep)) {
      used.add(s.keep);
      out.set(s.id, s.keep);
    } else rest.push(s);
  }
  let next = Math.max(0, ...used) + 1;
  for (const s of rest.sort(byEn)) {
    // Newcomers go after the kept numbers; past 99, into the gaps.
    if (next > 99) next = 1;
    while (used.has(next)) next++;
    used.add(next);
    out.set(s.id, next);
  }
  return out;
}

const exception = (code: Exception['code'], x: Partial<Omit<Exception, 'code'>> = {}): Exception => ({
  code,
  classCode: x.classCode ?? null,
  studentId: x.studentId ?? null,
  regNo: x.regNo ?? null,
  name: x.name ?? null,
  count: x.count ?? null,
  capacity: x.capacity ?? null,
});

export interface PreviewInput {
  students: RollStudent[];
  classes: PlanClassRule[];
  decisions: Map<string, ManualDecision>;
  order: Order;
  planVersion: number;
}

type Preview = z.infer<typeof RolloverPreview>;

/** Every student's decision (rule or by hand), class and number; counts per class; and every exception. */
export function buildPreview(p: PreviewInput): Preview {
  const exceptions: Exception[] = [];
  const seen = new Set<string>();
  for (const c of p.classes) {
    if (seen.has(c.code)) exceptions.push(exception('duplicate_class_code', { classCode: c.code }));
    seen.add(c.code);
  }
  if (!p.classes.length) exceptions.push(exception('no_classes'));
  const byCode = new Map(p.classes.map((c) => [c.code, c]));
  const entryLevel = [...p.classes].sort((a, b) => RANK.indexOf(a.level) - RANK.indexOf(b.level))[0]?.level ?? null;
  const members = new Map<string, RollStudent[]>(p.classes.map((c) => [c.code, []]));
  const decisions: Decision[] = [];
  const toBalance: { s: RollStudent; d: Decision }[] = [];

  for (const s of p.students) {
    const manual = p.decisions.get(s.id);
    const who = { studentId: s.id, regNo: s.regNo, name: s.nameEn };
    const action: Action =
      manual?.action ?? (s.kind === 'intake' ? 'admit' : s.leavingByData || (s.level && isTopLevel(s.level)) ? 'leave' : 'promote');
    const d: Decision = {
      studentId: s.id,
      regNo: s.regNo,
      nameEn: s.nameEn,
      nameZh: s.nameZh,
      fromClass: s.classCode,
      fromNumber: s.classNumber,
      fromLevel: s.level,
      action,
      toClass: null,
      toNumber: null,
      source: manual ? 'manual' : 'rule',
      reason: manual?.reason ?? null,
      graduates: action === 'leave' && s.level !== null && isTopLevel(s.level),
    };
    decisions.push(d);
    const mismatch = manual ? decisionMismatch(action, s.kind) : null;
    if (mismatch) {
      exceptions.push(exception(mismatch, who));
      continue;
    }
    if (action === 'leave') continue;
    if (!manual && s.kind === 'roll' && s.level === null) {
      exceptions.push(exception('not_placed', who));
      continue;
    }
    let target: PlanClassRule | undefined;
    if (manual?.classCode) {
      target = byCode.get(manual.classCode);
      if (!target) {
        exceptions.push(exception('class_unknown', { ...who, classCode: manual.classCode }));
        continue;
      }
      if (needsReason(action, s.level, target.level) && !manual.reason)
        exceptions.push(exception('level_without_reason', { ...who, classCode: target.code }));
    } else if (action === 'admit') {
      if (!entryLevel) continue;
      toBalance.push({ s, d });
      continue;
    } else {
      const level = expectedLevel(action, s.level);
      target = level ? ruleClass(p.classes, level, s.classCode) : undefined;
      if (!target) {
        exceptions.push(exception('no_target_class', who));
        continue;
      }
    }
    d.toClass = target.code;
    members.get(target.code)?.push(s);
  }
  // The intake fills the entry level's classes evenly (the emptiest first), in English-name order.
  const entryClasses = p.classes.filter((c) => c.level === entryLevel);
  for (const { s, d } of toBalance.sort((a, b) => enCollator.compare(a.s.nameEn, b.s.nameEn) || (a.s.regNo < b.s.regNo ? -1 : 1))) {
    let best: PlanClassRule | undefined;
    for (const c of entryClasses) if (!best || (members.get(c.code)?.length ?? 0) < (members.get(best.code)?.length ?? 0)) best = c;
    if (!best) continue;
    d.toClass = best.code;
    members.get(best.code)?.push(s);
  }

  const decisionOf = new Map(decisions.map((d) => [d.studentId, d]));
  const classes = p.classes
    .filter((c, i) => p.classes.findIndex((x) => x.code === c.code) === i)
    .map((c) => {
      const list = members.get(c.code) ?? [];
      const numbers = classNumbers(
        list.map((s) => ({
          id: s.id,
          regNo: s.regNo,
          nameEn: s.nameEn,
          nameZh: s.nameZh,
          keep: s.classCode !== null && classSuffix(s.classCode) === classSuffix(c.code) ? s.classNumber : null,
        })),
        p.order,
      );
      const count = { promoted: 0, repeating: 0, admitted: 0 };
      for (const s of list) {
        const d = decisionOf.get(s.id);
        if (!d) continue;
        d.toNumber = numbers.get(s.id) ?? null;
        if (d.action === 'promote') count.promoted++;
        else if (d.action === 'repeat') count.repeating++;
        else count.admitted++;
      }
      if (list.length > c.capacity)
        exceptions.push(exception('class_over_capacity', { classCode: c.code, count: list.length, capacity: c.capacity }));
      return { code: c.code, level: c.level, capacity: c.capacity, total: list.length, ...count };
    });
  const placed = decisions.filter((d) => d.toClass !== null);
  return {
    planVersion: p.planVersion,
    classes,
    decisions,
    exceptions,
    totals: {
      students: placed.length,
      promoted: placed.filter((d) => d.action === 'promote').length,
      repeating: placed.filter((d) => d.action === 'repeat').length,
      admitted: placed.filter((d) => d.action === 'admit').length,
      leaving: decisions.filter((d) => d.action === 'leave').length,
      graduating: decisions.filter((d) => d.graduates).length,
    },
  };
}

/** Whoever reads every student's record (students.read for the whole school) sees the plan student by student. */
export function seesEveryStudent(held: { permissions: ReadonlySet<string>; ownClassesOnly: ReadonlySet<string> }): boolean {
  return held.permissions.has('students.read') && !held.ownClassesOnly.has('students.read');
}

/**
 * The preview as one person may see it: without students.read for the whole school, the counts per
 * class and in total, and the exceptions without naming the student; no list of students.
 */
export function previewFor(p: Preview, everyStudent: boolean): Preview {
  if (everyStudent) return p;
  return {
    ...p,
    decisions: [],
    exceptions: p.exceptions.map((e) => ({ ...e, studentId: null, regNo: null, name: null })),
  };
}

/** The next school year after one ending on `endsOn` (1 September – 31 August): its code and dates. */
export function nextSchoolYear(endsOn: string): { code: string; startsOn: string; endsOn: string } {
  const start = Number(endsOn.slice(0, 4));
  return { code: `${start}/${String((start + 1) % 100).padStart(2, '0')}`, startsOn: `${start}-09-01`, endsOn: `${start + 1}-08-31` };
}
