import { z } from 'zod';
import type { ImportKindName } from '../../../../contracts/import-columns.js';
import type { Queryable } from '../../../core/db/types.js';
import type { SchoolIds } from '../students/id-at-rest.js';

/** A record's fields by name, as the pipeline compares them (absent and null count as the same). */
export type Fields = Record<string, unknown>;

/** What rows are checked against: the current year and the codes people write in files. */
/** The first and last day (inclusive) of a window of dates. */
export interface EntryWindow {
  from: string;
  to: string;
}

export interface Context {
  q: Queryable;
  yearId: string | null;
  yearStatus: string | null;
  yearStart: string | null;
  yearEnd: string | null;
  /** The day placements made by the file start (students). */
  placementsFrom: string | null;
  /** The new year's intake only: the dates (inclusive) an entry date must fall within (students). */
  entryWithin: EntryWindow | null;
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

/**
 * One row of the file as far as it could be read: its key (when the key cells are right) and the
 * fields that came out clean. Rows with problems are checked against the others too, so a file's
 * every problem is reported at once.
 */
export interface Checked<C extends Fields> {
  row: number;
  key: string | null;
  fields: Partial<C>;
}

/** One row of the file with nothing wrong: the record's key (reg. no., staff code …), its clean fields, and what it does. */
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

/** What `clean` knows of the row beyond its cells. */
export interface RowContext<E extends Fields> {
  ctx: Context;
  /** The stored record the row updates (none for a new one). */
  prev: Existing<E> | undefined;
  /** Fields whose column is in the file: a column left out keeps what the record has. */
  present: ReadonlySet<string>;
}

/**
 * How one kind checks rows, finds existing records and writes changes. Its columns (headers in both
 * languages, the field each fills) are `IMPORT_COLUMNS[kind]` in `contracts/import-columns.ts`.
 * `P` is a row as the schema gives it, `C` the clean fields compared and written, `E` a stored record.
 */
export interface Spec<P, C extends Fields, E extends Fields> {
  kind: ImportKindName;
  /** Checks each field (all but `beside`) on its own, so one wrong cell does not hide the others. */
  schema: z.ZodType<P> & { shape: Record<string, z.ZodType> };
  /** Fields the schema does not see; `clean` gets them as they were written. */
  beside?: string[];
  /** The record's key from the row's fields (undefined when a key cell is wrong). */
  keyOf(row: Partial<P>): string | undefined;
  /** The column a person sees the key in: a key twice in one file is reported there. */
  keyColumn: string;
  /**
   * Fields never read back from a stored record (the identity number is kept sealed): left blank or
   * out, a row for an existing record keeps the stored value, and `clean` gets the field absent.
   */
  keptWhenBlank?: string[];
  /** Rows that place records in the current year refuse the import while there is none (reported at `column`). */
  currentYear?: { column: string; needed(rows: Checked<C>[]): boolean };
  /** Whether the kind places records in classes (a changed placement is an update). */
  tracksPlacement?: boolean;
  /** Column fields written but not compared with the stored record (a plain number, compared by its hash instead). */
  notCompared?: string[];
  /** Fields `clean` makes that are compared with the stored record besides the columns' own (a hash, resolved ids). */
  alsoCompared?: string[];
  /**
   * Resolves codes and checks what the schema cannot, reporting every problem it finds. Gets the
   * fields that passed the schema (one that did not is absent) and returns what it could make clean;
   * a row with nothing reported must come back complete.
   */
  clean(row: Partial<P>, beside: Fields, r: RowContext<E>, issue: CellIssue): Partial<C>;
  existing(ctx: Context): Promise<Map<string, Existing<E>>>;
  /** Further cross-row checks (HKIDs, STRNs, places taken), over every row, refused ones included. */
  crossCheck?(rows: Checked<C>[], ctx: Context, existing: Map<string, Existing<E>>, issue: RowIssue): void;
  apply(ctx: Context, plans: Planned<C>[], schoolId: string, existing: Map<string, Existing<E>>): Promise<void>;
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
