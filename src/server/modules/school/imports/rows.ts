import type { z } from 'zod';
import { IMPORT_COLUMNS, type ImportColumnSpec, type ImportKindName, cellValue, headerOf } from '../../../../contracts/import-columns.js';
import type { ImportIssue } from '../../../../contracts/school.js';
import type { Sheet } from '../spreadsheet.js';
import type { Columns } from './columns.js';
import type { Checked, Context, Existing, Fields, Planned, Spec } from './spec.js';

type Issue = z.infer<typeof ImportIssue>;

const same = (a: Fields, b: Fields, keys: string[]) => keys.every((k) => (a[k] ?? null) === (b[k] ?? null));

/** The rows read: every row as far as it could be (for the cross-row checks), and the rows with nothing wrong. */
export interface Rows<C extends Fields> {
  checked: Checked<C>[];
  plans: Planned<C>[];
}

/**
 * How problems name columns: by the file's own header (English or Chinese), or for a column the
 * file lacks, by its header in the file's language. Specs report by the English header.
 */
export function columnNamer(kind: ImportKindName, cols: Columns): (name: string) => string {
  const byName = new Map(IMPORT_COLUMNS[kind].map((c) => [c.name, c]));
  return (name) => {
    const col = byName.get(name);
    return col ? (cols.headerOf.get(col.field) ?? headerOf(col, cols.lang)) : name;
  };
}

/**
 * Each row on its own, every rule at once: each cell through its field's schema, then the kind's
 * `clean` with whatever passed, so a wrong date does not hide a wrong HKID or an unknown class.
 * A column the file leaves out keeps what the stored record has; a new record needs it (reported once).
 * A row with no problem is planned: what it would do to the record with its key (create, update, nothing).
 */
export function checkRows<P, C extends Fields, E extends Fields>(
  spec: Spec<P, C, E>,
  sheet: Sheet,
  cols: Columns,
  ctx: Context,
  existing: Map<string, Existing<E>>,
  issues: Issue[],
): Rows<C> {
  const columns = IMPORT_COLUMNS[spec.kind];
  const columnOf = new Map(columns.map((c): [string, ImportColumnSpec] => [c.field, c]));
  const name = columnNamer(spec.kind, cols);
  const beside = new Set(spec.beside ?? []);
  const kept = new Set(spec.keptWhenBlank ?? []);
  const present: ReadonlySet<string> = new Set(cols.headerOf.keys());
  const keyFields = columns.filter((c) => c.required === 'key').map((c) => c.field);
  const compared = [
    ...columns.map((c) => c.field).filter((f) => !beside.has(f) && !spec.notCompared?.includes(f)),
    ...(spec.alsoCompared ?? []),
  ].filter((k) => k !== 'classId' && k !== 'classNumber');
  const missingForNew = new Set<string>();
  const shape = spec.schema.shape;
  const out: Rows<C> = { checked: [], plans: [] };

  sheet.rows.forEach((raw, i) => {
    const rowNo = i + 2;
    let refused = false;
    /** The cell of a field's column: undefined when the file has no such column, '' when it is blank. */
    const cell = (field: string): string | undefined => {
      const header = cols.headerOf.get(field);
      const col = columnOf.get(field);
      if (header === undefined || !col) return undefined;
      const text = raw[header] ?? '';
      return text === '' ? '' : cellValue(col, text);
    };
    const report = (column: string, code: string) => {
      refused = true;
      const col = columns.find((c) => c.name === column);
      const header = col && cols.headerOf.get(col.field);
      issues.push({ row: rowNo, column: name(column), value: header ? (raw[header] ?? '') : '', code });
    };
    const parsed: Fields = {};
    const parse = (field: string, value: unknown, fromFile: boolean, isNew: boolean) => {
      const schema = shape[field];
      const col = columnOf.get(field);
      if (!schema || !col) return;
      const r = schema.safeParse(value);
      if (r.success) {
        if (r.data !== undefined) parsed[field] = r.data;
        return;
      }
      if (!fromFile) {
        // Not in the file: a new record needs the column (said once for the file); a stored value the rules no longer take is named.
        if (isNew) {
          refused = true;
          missingForNew.add(field);
        } else report(col.name, 'stored_value_invalid');
        return;
      }
      report(col.name, value === undefined ? 'required' : r.error.issues[0]?.code === 'invalid_value' ? 'invalid_value' : 'invalid_format');
    };

    // The key first: it finds the stored record whose values fill the columns the file leaves out.
    for (const f of keyFields) parse(f, cell(f) || undefined, true, true);
    // `parsed` holds what the schema gave for the fields parsed so far, all of them fields of P.
    const key = refused ? undefined : spec.keyOf(parsed as Partial<P>);
    const prev = key === undefined ? undefined : existing.get(key);
    const besideInput: Fields = {};
    for (const col of columns) {
      const f = col.field;
      if (keyFields.includes(f)) continue;
      const text = cell(f);
      if (beside.has(f)) {
        if (text) besideInput[f] = text;
        continue;
      }
      if (kept.has(f) && prev && !text) continue;
      if (text !== undefined) parse(f, text === '' ? undefined : text, true, !prev);
      else parse(f, prev ? (prev.fields[f] ?? undefined) : undefined, false, !prev);
    }
    const fields = spec.clean(parsed as Partial<P>, besideInput, { ctx, prev, present }, report);
    out.checked.push({ row: rowNo, key: key ?? null, fields });
    if (refused || key === undefined) return;
    // Nothing was reported for the row, so `clean` gave every field (its contract).
    const clean = fields as C;
    const placementChanged =
      spec.tracksPlacement === true &&
      clean.classId !== undefined &&
      (prev?.fields.classId !== clean.classId || prev?.fields.classNumber !== clean.classNumber);
    const action = !prev ? 'create' : same(prev.fields, clean, compared) && !placementChanged ? 'unchanged' : 'update';
    out.plans.push({ row: rowNo, key, fields: clean, action, existingId: prev?.id, placementChanged });
  });
  for (const f of missingForNew) {
    const col = columnOf.get(f);
    if (col) issues.push({ row: 1, column: name(col.name), value: '', code: 'missing_column' });
  }
  return out;
}

/** Checks across rows, refused ones included: a key twice in the file, the kind's own cross-checks, a current year where one is needed. */
export function crossCheckRows<P, C extends Fields, E extends Fields>(
  spec: Spec<P, C, E>,
  rows: Checked<C>[],
  ctx: Context,
  existing: Map<string, Existing<E>>,
  issues: Issue[],
  name: (column: string) => string,
): void {
  const seen = new Set<string>();
  for (const r of rows) {
    if (r.key === null) continue;
    if (seen.has(r.key)) issues.push({ row: r.row, column: name(spec.keyColumn), value: r.key, code: 'duplicate_in_file' });
    seen.add(r.key);
  }
  spec.crossCheck?.(rows, ctx, existing, (row, column, value, code) => issues.push({ row, column: name(column), value, code }));
  if (spec.currentYear?.needed(rows) && ctx.yearStatus !== 'current')
    issues.push({ row: 0, column: name(spec.currentYear.column), value: '', code: 'no_current_year' });
}
