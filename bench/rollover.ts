/**
 * `npm run bench:rollover`: the year rollover of issue 11 against its budgets — migrate 2,000 students
 * under 3 s, a dry run under 2 s — on PGlite and PostgreSQL. A school of S1–S6 × 10 classes × 33
 * students (1,980 + the edge cases, and 20 new students as intake) is made in SQL; the plan is
 * created through the service; then ROUNDS × (dry run, migrate, undo) are timed, and the median is
 * printed with its ratio to the budget. BENCH_ONLY=pg|pglite picks one database; ROUNDS (3).
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/server/core/clock.js';
import { migrate } from '../src/server/core/db/migrate.js';
import { openPg } from '../src/server/core/db/pg.js';
import { openPglite } from '../src/server/core/db/pglite.js';
import type { Database } from '../src/server/core/db/types.js';
import { createRolloverPlan, migrateToNewYear, rolloverDryRun, undoMigration } from '../src/server/modules/planning/service.js';
import { TO, rolloverFixture } from '../test/helpers/rollover-fixture.js';
import { keyOrgs } from '../test/helpers/school-key.js';
import { KINDS, type Kind, PG_ADMIN, label } from './helpers.js';

const MIGRATE_BUDGET_MS = 3000;
const DRY_RUN_BUDGET_MS = 2000;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function admin(sql: string) {
  const a = new pg.Client({ connectionString: PG_ADMIN });
  await a.connect();
  await a.query(sql);
  await a.end();
}

async function open(kind: Kind): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openPglite(undefined);
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const name = `sams_bench_rollover_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(PG_ADMIN);
  u.pathname = `/${name}`;
  const db = openPg(u.toString(), 4, () => undefined);
  await migrate(db);
  return {
    db,
    drop: async () => {
      await db.close();
      await admin(`DROP DATABASE ${name}`);
    },
  };
}

/** Wall clock, and this process's CPU time (for PGlite that includes the database's work, which runs in-process). */
async function timed<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await fn();
  const c = process.cpuUsage(c0);
  return [r, performance.now() - t0, (c.user + c.system) / 1000];
}

async function run(kind: Kind): Promise<void> {
  const { db, drop } = await open(kind);
  try {
    const o = await keyOrgs(db, 1);
    const fx = await rolloverFixture(db, o.schoolId, 10, 33);
    // The unplaced edge case leaves by the records; 20 new students come in as intake.
    await db.systemTx(async (q) => {
      await q.query(`UPDATE students SET leave_date = '2027-08-31' WHERE school_id = $1 AND reg_no = 'R99999'`, [o.schoolId]);
      await q.query(
        `INSERT INTO students (school_id, reg_no, name_en, sex, date_of_birth, id_type, id_sealed, id_masked, entry_date, status)
         SELECT $1, 'N' || i, 'Intake ' || i, 'M', '2015-01-01', 'other', 'sealed-for-test', 'X***', $2, 'on_roll' FROM generate_series(1, 20) i`,
        [o.schoolId, TO.startsOn],
      );
    });
    const d = { db, clock: systemClock };
    const actor = {
      id: 'bench',
      tokenHash: randomBytes(32),
      schoolId: o.schoolId,
      userId: o.adminId,
      username: 'bench',
      displayNameEn: 'Bench',
      stage: 'done' as const,
      createdAt: new Date(),
      lastSeenAt: new Date(),
      rotate: false,
      permissions: new Set<string>(['planning.manage', 'planning.migrate']),
      ownClassesOnly: new Set<string>(),
      roleIds: [],
      ip: '127.0.0.1',
    };
    await createRolloverPlan(d, actor);
    // The plan's classes hold 40 by default: room for the 33 promoted plus the intake spread over S1.
    const dry: number[] = [];
    const mig: number[] = [];
    const undo: number[] = [];
    const cpu = { dry: [] as number[], mig: [] as number[], undo: [] as number[] };
    let placements = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const [r1, t1, c1] = await timed(() => rolloverDryRun(d, actor));
      const [r2, t2, c2] = await timed(() => migrateToNewYear(d, actor, TO.code));
      const [, t3, c3] = await timed(() => undoMigration(d, actor));
      cpu.dry.push(c1);
      cpu.mig.push(c2);
      cpu.undo.push(c3);
      if (JSON.stringify(r1.written) !== JSON.stringify(r2.written)) throw new Error('dry run and migrate differ');
      placements = r2.written.placements;
      dry.push(t1);
      mig.push(t2);
      undo.push(t3);
    }
    const line = (what: string, xs: number[], cs: number[], budget: number | null) =>
      console.log(
        `  ${what.padEnd(9)} median ${median(xs).toFixed(0).padStart(5)} ms  (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})` +
          (budget ? `  ${(median(xs) / budget).toFixed(2)} of the ${budget / 1000} s budget` : '') +
          `; CPU of this process ${median(cs).toFixed(0)} ms` +
          (budget ? ` (${(median(cs) / budget).toFixed(2)})` : ''),
      );
    console.log(
      `${label(kind)}: ${fx.students - 1} students on roll + 1 unplaced leaver + 20 intake, ${placements} placed into the new year, ${ROUNDS} rounds, load ${loadavg()[0]?.toFixed(1)}`,
    );
    line('dry run', dry, cpu.dry, DRY_RUN_BUDGET_MS);
    line('migrate', mig, cpu.mig, MIGRATE_BUDGET_MS);
    line('undo', undo, cpu.undo, null);
  } finally {
    await drop();
  }
}

for (const kind of KINDS) await run(kind);
