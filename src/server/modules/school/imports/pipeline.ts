import type { z } from 'zod';
import type { ImportIssue, ImportKind, ImportReport } from '../../../../contracts/school.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import { hongKongDate } from '../../../core/clock.js';
import { sha256 } from '../../../core/crypto/secrets.js';
import type { Queryable } from '../../../core/db/types.js';
import type { SchoolDeps } from '../common.js';
import { assertMayImport, placementDateInYear } from '../policy.js';
import { analyzeRecordTables } from '../queries/imports.js';
import { readSheet, type Sheet } from '../spreadsheet.js';
import { classSubjectsSpec } from './class-subjects.js';
import { classesSpec } from './classes.js';
import { MAX_ROWS, checkColumns } from './columns.js';
import { loadContext } from './context.js';
import { checkRows, columnNamer, crossCheckRows } from './rows.js';
import type { EntryWindow, Fields, Spec } from './spec.js';
import { staffSpec } from './staff.js';
import { studentsSpec } from './students.js';
import { contactsVisibleTo } from '../students/contacts.js';
import { withholdContactColumns } from './student-contacts.js';
import { contactsReach } from '../contacts-policy.js';
import { schoolIds } from '../students/id-at-rest.js';

type Issue = z.infer<typeof ImportIssue>;
type Kind = z.infer<typeof ImportKind>;
type Report = z.infer<typeof ImportReport>;
interface Counts {
  create: number;
  update: number;
  unchanged: number;
  placements: number;
}
const NONE: Counts = { create: 0, update: 0, unchanged: 0, placements: 0 };

/** One import as asked for: who, which kind, the file, the day its placements start, and whether to write it or only preview it. */
interface Job {
  d: SchoolDeps;
  a: Actor;
  kind: Kind;
  fileName: string;
  file: Buffer;
  commit: boolean;
  effectiveDate?: string;
  /** The new year's intake: every entry date must fall within the new year. */
  entryWithin?: EntryWindow;
}

/**
 * Check every row; with `commit`, write all of it in one transaction, or nothing if any row is wrong.
 * An import is a whole-school action: a right limited to one's own classes is not enough.
 */
export async function importFile(
  d: SchoolDeps,
  a: Actor,
  kind: Kind,
  fileName: string,
  file: Buffer,
  commit: boolean,
  effectiveDate?: string,
  entryWithin?: EntryWindow,
): Promise<Report> {
  assertMayImport(a, kind);
  const job: Job = { d, a, kind, fileName, file, commit, effectiveDate, entryWithin };
  switch (kind) {
    case 'students':
      return runImport(studentsSpec, job);
    case 'staff':
      return runImport(staffSpec, job);
    case 'classes':
      return runImport(classesSpec, job);
    case 'class_subjects':
      return runImport(classSubjectsSpec, job);
  }
}

/** parse → columns → rows → cross-checks → preview, or commit with an audit record. Every problem in the file is reported in one pass. */
async function runImport<P, C extends Fields, E extends Fields>(spec: Spec<P, C, E>, job: Job): Promise<Report> {
  const { d, a, kind, commit } = job;
  const sheet: Sheet = await readSheet(job.file, MAX_ROWS, a.schoolId);
  const issues: Issue[] = [];
  const cols = checkColumns(spec.kind, sheet, issues);
  // Contacts are imported only by whoever sees them in full across the school (others' columns are read as left out).
  const withhold = spec.kind === 'students' && contactsReach(a.permissions, a.ownClassesOnly) !== 'school';
  let placementsFrom: string | null = null;
  const report = (counts: Counts, committed: boolean): Report => ({
    kind,
    rows: sheet.rows.length,
    ...counts,
    issues: issues.sort((x, y) => x.row - y.row).slice(0, 1000),
    placementsFrom: spec.tracksPlacement ? placementsFrom : null,
    committed,
  });
  // Without its key columns (or with too many rows) no row can be read.
  if (!cols.readable) return report(NONE, false);
  const today = hongKongDate(d.clock.now());
  const run = async (q: Queryable) => {
    const ctx = await loadContext(q, today, schoolIds(q, d.serverKey, a.schoolId), job.effectiveDate, job.entryWithin ?? null);
    placementsFrom = ctx.placementsFrom;
    if (spec.tracksPlacement && job.effectiveDate && !placementDateInYear(job.effectiveDate, ctx.yearStart, ctx.yearEnd))
      issues.push({ row: 0, column: '', value: job.effectiveDate, code: 'effective_date_outside_year' });
    const existing = await spec.existing(ctx);
    const inFull = withhold
      ? await contactsVisibleTo(
          q,
          a,
          [...existing.values()].map((e) => e.id),
        )
      : new Set<string>();
    const usable = withhold ? withholdContactColumns(sheet, cols, (key) => existing.get(key), inFull, issues) : cols;
    const { checked, plans } = checkRows(spec, sheet, usable, ctx, existing, issues);
    crossCheckRows(spec, checked, ctx, existing, issues, columnNamer(spec.kind, usable));
    const counts: Counts = {
      create: plans.filter((p) => p.action === 'create').length,
      update: plans.filter((p) => p.action === 'update').length,
      unchanged: plans.filter((p) => p.action === 'unchanged').length,
      placements: plans.filter((p) => p.placementChanged).length,
    };
    if (!commit || issues.length) return { counts, wrote: false };
    if (counts.create + counts.update === 0) return { counts, wrote: true };
    await spec.apply(ctx, plans, a.schoolId, existing);
    await audit(q, d.clock, {
      ...who(a),
      action: 'school.imported',
      target: `import:${kind}`,
      details: {
        kind,
        fileName: job.fileName,
        sha256: sha256(job.file).toString('hex'),
        ...counts,
        ...(spec.tracksPlacement && counts.placements ? { placementsFrom: ctx.placementsFrom } : {}),
        keys: plans
          .filter((p) => p.action !== 'unchanged')
          .map((p) => p.key)
          .slice(0, 200),
      },
    });
    return { counts, wrote: true };
  };
  try {
    const r = commit
      ? await d.db.schoolTx(a.schoolId, async (q) => {
          const out = await run(q);
          if (issues.length) throw new ImportRefused();
          return out;
        })
      : await d.db.school(a.schoolId, run);
    // A bulk load changes the tables' shape: refresh the planner's statistics now (the embedded
    // database runs no autovacuum), or lists join placements the slow way until it is done.
    if (commit && r.wrote && r.counts.create + r.counts.update > 50) await d.db.system(analyzeRecordTables);
    return report(r.counts, commit && r.wrote);
  } catch (err) {
    if (err instanceof ImportRefused) return report(NONE, false);
    // Two rows can still meet in a unique constraint the checks above do not see: refuse the file, name the constraint.
    const e = err as { code?: string; constraint?: string } | null;
    if (e?.code === '23505') {
      issues.push({ row: 0, column: '', value: e.constraint ?? '', code: 'conflict' });
      return report(NONE, false);
    }
    throw err;
  }
}

/** Rolls the commit's transaction back when a row was refused. */
class ImportRefused extends Error {}
