import { RETURN_FILES } from '../../../contracts/exchange.js';
import type { z } from 'zod';
import type { ReturnTemplate } from '../../../contracts/exchange.js';

/**
 * A return template's rules: one per line, `VERB FILE.COLUMN [ARGS]`.
 *   required students.strn · unique students.strn · match students.strn ^[A-Z][0-9]{7}$
 *   oneof roll.sex M,F · range classSubjects.periods 0 60
 * Parsed when the authority publishes (a rule that does not parse refuses the message) and run
 * against every row before a return can be approved.
 */
export type Rule =
  | { verb: 'required' | 'unique'; file: string; column: string; text: string }
  | { verb: 'match'; file: string; column: string; re: RegExp; text: string }
  | { verb: 'oneof'; file: string; column: string; values: Set<string>; text: string }
  | { verb: 'range'; file: string; column: string; min: number; max: number; text: string };

export interface RuleError {
  rule: number;
  reason: 'syntax' | 'unknown_column' | 'bad_regex' | 'unsafe_regex' | 'bad_range';
}

const VERBS: readonly string[] = ['required', 'unique', 'match', 'oneof', 'range'] satisfies Rule['verb'][];
const isVerb = (v: string | undefined): v is Rule['verb'] => v !== undefined && VERBS.includes(v);

/** A quantified group that itself contains a quantifier, or a back-reference: the shapes of catastrophic backtracking. */
const UNSAFE_REGEX = /\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)\s*[*+{]|\\[1-9]/;

export function filesOf(t: z.infer<typeof ReturnTemplate>): Record<string, string[]> {
  return t.kind === 'manual' ? { data: t.columns ?? [] } : RETURN_FILES[t.kind];
}

export function parseRules(t: z.infer<typeof ReturnTemplate>): { rules: Rule[]; errors: RuleError[] } {
  const files = filesOf(t);
  const rules: Rule[] = [];
  const errors: RuleError[] = [];
  t.rules.forEach((text, i) => {
    const m = /^(required|unique|match|oneof|range)\s+([a-zA-Z]+)\.([a-zA-Z0-9_]+)(?:\s+(.+))?$/.exec(text.trim());
    const [, verb, file, column, arg] = m ?? [];
    if (!isVerb(verb) || !file || !column) return errors.push({ rule: i, reason: 'syntax' });
    if (!files[file]?.includes(column)) return errors.push({ rule: i, reason: 'unknown_column' });
    const base = { file, column, text };
    switch (verb) {
      case 'required':
      case 'unique':
        if (arg) return errors.push({ rule: i, reason: 'syntax' });
        return rules.push({ verb, ...base });
      case 'match':
        if (!arg) return errors.push({ rule: i, reason: 'syntax' });
        // Rules run on every row of every school's return: refuse patterns that can backtrack without end.
        if (arg.length > 200 || UNSAFE_REGEX.test(arg)) return errors.push({ rule: i, reason: 'unsafe_regex' });
        try {
          return rules.push({ verb, ...base, re: new RegExp(arg, 'u') });
        } catch {
          return errors.push({ rule: i, reason: 'bad_regex' });
        }
      case 'oneof': {
        const values = (arg ?? '')
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean);
        if (!values.length) return errors.push({ rule: i, reason: 'syntax' });
        return rules.push({ verb, ...base, values: new Set(values) });
      }
      case 'range': {
        const nums = (arg ?? '').split(/\s+/).map(Number);
        if (nums.length !== 2 || nums.some((n) => !Number.isFinite(n))) return errors.push({ rule: i, reason: 'syntax' });
        const [min, max] = nums as [number, number];
        if (min > max) return errors.push({ rule: i, reason: 'bad_range' });
        return rules.push({ verb, ...base, min, max });
      }
    }
  });
  return { rules, errors };
}

export interface RowProblem {
  file: string;
  /** 1-based, as a person counts rows. */
  row: number;
  column: string;
  value: string;
  rule: string;
}

/** Every failing cell, in file and row order; empty means the return may be approved. */
export function checkRows(rules: Rule[], files: { name: string; rows: Record<string, string>[] }[]): RowProblem[] {
  const out: RowProblem[] = [];
  for (const f of files) {
    for (const r of rules.filter((x) => x.file === f.name)) {
      const seen = new Map<string, number>();
      f.rows.forEach((row, i) => {
        const v = (row[r.column] ?? '').trim().slice(0, 500);
        const fail = () => out.push({ file: f.name, row: i + 1, column: r.column, value: v, rule: r.text });
        switch (r.verb) {
          case 'required':
            if (!v) fail();
            break;
          case 'unique':
            if (v && seen.has(v)) fail();
            seen.set(v, i);
            break;
          case 'match':
            if (v && !r.re.test(v)) fail();
            break;
          case 'oneof':
            if (v && !r.values.has(v)) fail();
            break;
          case 'range': {
            const n = Number(v);
            if (v && (!Number.isFinite(n) || n < r.min || n > r.max)) fail();
            break;
          }
        }
      });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.row - b.row);
}

/** The template each category gets when the authority leaves the rules to the defaults. */
export const DEFAULT_RULES: Record<string, string[]> = {
  headcount: ['required students.strn', 'unique students.strn', 'match students.strn ^[A-Z][0-9]{6}[0-9A]$', 'oneof students.repeater Y,N'],
  enrolment_start: ['required formE.strn', 'unique formE.regNo', 'oneof formE.sex M,F', 'oneof formE.repeater Y,N'],
  enrolment: ['required roll.nameEn', 'unique roll.regNo', 'required formB.strn', 'oneof roll.sex M,F'],
  class_subject: ['required classSubjects.medium', 'oneof classSubjects.medium chinese,english,mixed', 'range classSubjects.periods 0 60'],
};
