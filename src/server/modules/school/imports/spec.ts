import { z } from 'zod';
import type { Queryable } from '../../../core/db/types.js';
import type { SchoolIds } from '../students/id-at-rest.js';

/** A record's fields by name, as the pipeline compares them (absent and null count as the same). */
export type Fields = Record<string, unknown>;

/** What rows are checked against: the current year and the codes people write in files. */
export interface Context {
  q: Queryable;
  yearId: string | null;
  yearStatus: string | null;
  yearStart: string | null;
  classes: Map<string, string>; // code → id (current year)
  staff: Map<string, string>; // staff code → id
  subjects: Map<string, string>; // code → id
  /** The calendar date in Hong Kong. */
  today: string;
  /** Identity numbers' keyed hashes (to compare and find duplicates) and, on commit, their sealing. */
  ids: SchoolIds;
}

/** A record already in the school, by the key files name it with. */
export interface Existing<E extends Fields> {
  id: string;
  fields: E;
}

/** One row of the file, checked: the record's key (reg. no., staff code …) and its clean fields. */
export interface Planned<C extends Fields> {
  row: number;
  key: string;
  fields: C;
  action: 'create' | 'update' | 'unchanged';
  existingId?: string;
  /** The row places the student in a different class or number than now (students only). */
  placementChanged: boolean;
}

/** Reports a problem with one cell of the row being cleaned. */
export type CellIssue = (column: string, code: string) => void;
/** Reports a problem with a cell of any row. */
export type RowIssue = (row: number, column: string, value: string, code: string) => void;

/**
 * How one kind maps columns to fields, checks rows, finds existing records and writes changes.
 * `P` is a row as the schema gives it, `C` the clean fields compared and written, `E` a stored record.
 */
export interface Spec<P, C extends Fields, E extends Fields> {
  columns: Record<string, string>; // column → field
  required: string[];
  /** Checks each row's fields (all but `beside`). */
  schema: z.ZodType<P>;
  /** Fields the schema does not see; `clean` gets them as they were written. */
  beside?: string[];
  keyField: keyof C & string;
  /** The column a person sees the key in: a key twice in one file is reported there. */
  keyColumn: string;
  /** Rows that place records in the current year refuse the import while there is none (reported at `column`). */
  currentYear?: { column: string; needed(plans: Planned<C>[]): boolean };
  /** Whether the kind places records in classes (a changed placement is an update). */
  tracksPlacement?: boolean;
  /** Clean fields written but not compared with the stored record (a plain number, compared by its hash instead). */
  notCompared?: string[];
  /** Resolves codes and checks what the schema cannot; null when the row is refused (after reporting why). */
  clean(row: P, beside: Fields, ctx: Context, issue: CellIssue): C | null;
  existing(ctx: Context): Promise<Map<string, Existing<E>>>;
  /** Further cross-row checks (STRNs, places taken) after each row is valid on its own. */
  crossCheck?(plans: Planned<C>[], ctx: Context, existing: Map<string, Existing<E>>, issue: RowIssue): void;
  apply(ctx: Context, plans: Planned<C>[], schoolId: string): Promise<void>;
}

/** A class, subject or staff code as written in a file. */
export const CODE = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[0-9A-Z][0-9A-Z-]*$/)
  .max(20);
/** Staff codes separated by `;`, `,` or spaces. */
export const CODES = z
  .string()
  .trim()
  .max(300)
  .regex(/^[0-9A-Za-z;,\s-]*$/)
  .optional();

export const splitCodes = (v: unknown): string[] =>
  typeof v === 'string' && v
    ? v
        .split(/[;,\s]+/)
        .map((x) => x.trim().toUpperCase())
        .filter(Boolean)
    : [];

/** Staff ids for the codes, sorted and joined by `;` (as stored teachers are compared); null if a code is unknown. */
export function teacherIdsOf(codes: unknown, ctx: Context): string | null {
  const ids: string[] = [];
  for (const c of splitCodes(codes)) {
    const id = ctx.staff.get(c);
    if (!id) return null;
    ids.push(id);
  }
  return ids.sort().join(';');
}

/** The staff ids of a `teacherIds` field. */
export const teacherList = (teacherIds: string): string[] => teacherIds.split(';').filter(Boolean);
