import type { z } from 'zod';
import type { ImportIssue } from '../../../../contracts/school.js';
import type { Sheet } from '../spreadsheet.js';
import type { Context, Existing, Fields, Planned, Spec } from './spec.js';

type Issue = z.infer<typeof ImportIssue>;

const same = (a: Fields, b: Fields, keys: string[]) => keys.every((k) => (a[k] ?? null) === (b[k] ?? null));

/**
 * Each row on its own: its cells through the kind's schema and `clean`, then what it would do to the
 * record with its key (create, update, or nothing). A refused row is reported and left out.
 */
export function planRows<P, C extends Fields, E extends Fields>(
  spec: Spec<P, C, E>,
  sheet: Sheet,
  ctx: Context,
  existing: Map<string, Existing<E>>,
  issues: Issue[],
): Planned<C>[] {
  const fieldToColumn = Object.fromEntries(Object.entries(spec.columns).map(([c, f]) => [f, c]));
  const beside = new Set(spec.beside ?? []);
  const plans: Planned<C>[] = [];
  sheet.rows.forEach((raw, i) => {
    const rowNo = i + 2;
    const input: Fields = {};
    const besideInput: Fields = {};
    for (const [col, field] of Object.entries(spec.columns)) {
      const v = raw[col];
      if (v === undefined || v === '') continue;
      (beside.has(field) ? besideInput : input)[field] = v;
    }
    const parsed = spec.schema.safeParse(input);
    if (!parsed.success) {
      for (const iss of parsed.error.issues) {
        const field = String(iss.path[0] ?? '');
        const column = fieldToColumn[field] ?? field;
        issues.push({
          row: rowNo,
          column,
          value: raw[column] ?? '',
          code: raw[column] ? (iss.code === 'invalid_value' ? 'invalid_value' : 'invalid_format') : 'required',
        });
      }
      return;
    }
    const fields = spec.clean(parsed.data, besideInput, ctx, (column, code) =>
      issues.push({ row: rowNo, column, value: raw[column] ?? '', code }),
    );
    if (!fields) return;
    const key = String(fields[spec.keyField]);
    const prev = existing.get(key);
    // A placement is compared on its own (below), not as a particular of the record.
    const compare = Object.keys(fields).filter((k) => k !== 'classId' && k !== 'classNumber' && !spec.notCompared?.includes(k));
    const placementChanged =
      spec.tracksPlacement === true &&
      fields.classId !== undefined &&
      (prev?.fields.classId !== fields.classId || prev?.fields.classNumber !== fields.classNumber);
    const action = !prev ? 'create' : same(prev.fields, fields, compare) && !placementChanged ? 'unchanged' : 'update';
    plans.push({ row: rowNo, key, fields, action, existingId: prev?.id, placementChanged });
  });
  return plans;
}

/** Checks across rows: a key twice in the file, the kind's own cross-checks, and a current year where one is needed. */
export function crossCheckRows<P, C extends Fields, E extends Fields>(
  spec: Spec<P, C, E>,
  plans: Planned<C>[],
  ctx: Context,
  existing: Map<string, Existing<E>>,
  issues: Issue[],
): void {
  const seen = new Set<string>();
  for (const p of plans) {
    if (seen.has(p.key)) issues.push({ row: p.row, column: spec.keyColumn, value: p.key, code: 'duplicate_in_file' });
    seen.add(p.key);
  }
  spec.crossCheck?.(plans, ctx, existing, (row, column, value, code) => issues.push({ row, column, value, code }));
  if (spec.currentYear?.needed(plans) && ctx.yearStatus !== 'current')
    issues.push({ row: 0, column: spec.currentYear.column, value: '', code: 'no_current_year' });
}
