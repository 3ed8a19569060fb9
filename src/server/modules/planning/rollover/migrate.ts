import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { MigrationResult, RolloverException, UndoResult } from '../../../../contracts/rollover.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { type RolloverUndo, applyRollover, rolloverChecksums, undoRollover } from '../../school/service.js';
import type { PlanDeps } from './plan.js';
import { computePreview } from './preview.js';
import { findLatestPlan, markMigrated, markUndone, type PlanRow } from './queries.js';

type Result = z.infer<typeof MigrationResult>;
type Sums = Record<string, { rows: number; md5: string }>;

/** What a person sees for each exception in a refusal: the class, or the student by registration number and name. */
const item = (e: z.infer<typeof RolloverException>) => ({ path: e.classCode ?? `${e.regNo ?? ''} ${e.name ?? ''}`.trim(), code: e.code });

/** The migrated plan's record of what it wrote, as stored (checked on the way back in). */
const UndoRecord: z.ZodType<RolloverUndo> = z.object({
  fromYearId: z.string(),
  toYearId: z.string(),
  yearCreated: z.boolean(),
  classIds: z.array(z.string()),
  classSubjectIds: z.array(z.string()),
  placementIds: z.array(z.string()),
  leavers: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      leave_date: z.string().nullable(),
      leave_reason: z.string().nullable(),
      version: z.number(),
    }),
  ),
});

async function draftPlan(q: Queryable): Promise<PlanRow> {
  const p = await findLatestPlan(q, true);
  if (!p) throw new AppError('not_found');
  if (p.status === 'migrated') throw new AppError('rollover_migrated', { errors: [{ path: p.to_code, code: 'already_migrated' }] });
  return p;
}

/** The one path of a dry run and a migration: refuse on any exception, then write everything (checksums around it). */
async function migrateIn(q: Queryable, schoolId: string, p: PlanRow, dryRun: boolean): Promise<{ result: Result; undo: RolloverUndo }> {
  const t0 = performance.now();
  const { preview, classes } = await computePreview(q, p);
  if (preview.exceptions.length) throw new AppError('rollover_exceptions_open', { errors: preview.exceptions.map(item) });
  const before = await rolloverChecksums(q);
  const { undo, written } = await applyRollover(q, {
    schoolId,
    fromYearId: p.from_year_id,
    toYear: { code: p.to_code, startsOn: p.to_starts_on, endsOn: p.to_ends_on },
    classes: classes.map((c) => ({
      code: c.code,
      level: c.level,
      nameZh: c.name_zh,
      nameEn: c.name_en,
      stream: c.stream,
      subjectsFrom: c.subjects_from,
    })),
    placements: preview.decisions.flatMap((d) =>
      d.toClass !== null && d.toNumber !== null ? [{ studentId: d.studentId, classCode: d.toClass, classNumber: d.toNumber }] : [],
    ),
    leavers: preview.decisions.flatMap((d) =>
      d.action === 'leave' ? [{ id: d.studentId, status: d.graduates ? ('graduated' as const) : ('left' as const), reason: d.reason }] : [],
    ),
  });
  const after = await rolloverChecksums(q);
  return {
    result: {
      dryRun,
      toYearCode: p.to_code,
      written,
      checksumBefore: before,
      checksumAfter: after,
      tookMs: Math.round(performance.now() - t0),
    },
    undo,
  };
}

/** Rolls the dry run's transaction back, carrying what it would have written. */
class DryRunDone extends Error {
  constructor(readonly result: Result) {
    super('dry run');
  }
}

/** Exactly what migrate would do, by doing it in a transaction that is then rolled back. */
export async function rolloverDryRun(d: PlanDeps, a: Actor): Promise<Result> {
  try {
    await d.db.schoolTx(a.schoolId, async (q) => {
      const p = await draftPlan(q);
      throw new DryRunDone((await migrateIn(q, a.schoolId, p, true)).result);
    });
  } catch (err) {
    if (err instanceof DryRunDone) return err.result;
    throw err;
  }
  throw new Error('dry run did not finish');
}

/** Migrate in one transaction: all or nothing. The new year becomes current, the old one finished (read-only). */
export async function migrateToNewYear(d: PlanDeps, a: Actor, confirm: string): Promise<Result> {
  return d.db.schoolTx(a.schoolId, async (q) => {
    const p = await draftPlan(q);
    if (confirm !== p.to_code) throw new AppError('rollover_invalid', { errors: [{ path: confirm, code: 'confirm_mismatch' }] });
    const { result, undo } = await migrateIn(q, a.schoolId, p, false);
    await markMigrated(q, p.id, {
      toYearId: undo.toYearId,
      at: d.clock.now(),
      by: a.userId,
      undo,
      before: result.checksumBefore,
      after: result.checksumAfter,
    });
    await audit(q, d.clock, {
      ...who(a),
      action: 'planning.rollover_migrated',
      target: `rollover:${p.id}`,
      details: { to: p.to_code, written: result.written, checksumBefore: result.checksumBefore, checksumAfter: result.checksumAfter },
    });
    return result;
  });
}

/** The tables whose rows differ between two checksums. */
function differing(x: Sums, y: Sums): string[] {
  const names = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...names].filter((n) => x[n]?.md5 !== y[n]?.md5 || x[n]?.rows !== y[n]?.rows).sort();
}

/**
 * Undo a migration, while the new year is as the migration left it (its first change — a class, a
 * placement, a student's record — ends the chance). The restored tables must match, row for row,
 * the checksums taken just before the migration; otherwise nothing is changed.
 */
export async function undoMigration(d: PlanDeps, a: Actor): Promise<z.infer<typeof UndoResult>> {
  return d.db.schoolTx(a.schoolId, async (q) => {
    const p = await findLatestPlan(q, true);
    if (!p) throw new AppError('not_found');
    if (p.status !== 'migrated' || !p.checksum_after || !p.checksum_before) throw new AppError('rollover_not_migrated');
    const changed = differing(await rolloverChecksums(q), p.checksum_after);
    if (changed.length)
      throw new AppError('rollover_undo_refused', { errors: changed.map((t) => ({ path: t, code: 'changed_since_migration' })) });
    await undoRollover(q, UndoRecord.parse(p.undo));
    const restored = await rolloverChecksums(q);
    const off = differing(restored, p.checksum_before);
    if (off.length) throw new AppError('rollover_undo_refused', { errors: off.map((t) => ({ path: t, code: 'not_restored' })) });
    await markUndone(q, p.id);
    await audit(q, d.clock, {
      ...who(a),
      action: 'planning.rollover_undone',
      target: `rollover:${p.id}`,
      details: { to: p.to_code, checksum: restored },
    });
    return { restored: true, checksum: restored };
  });
}
