import pino from 'pino';
import type { Server } from 'node:net';
import { buildApp } from './app.js';
import { type Channel, startChannel } from './channel.js';
import { runCommand } from './commands.js';
import { AuditCheckpoints, auditCheckpointJob, checkpointFile, checkpointKey } from './core/audit/checkpoint.js';
import type { Config } from './config.js';
import { SessionStore } from './core/auth/sessions.js';
import { CheckRegistry } from './core/checks/registry.js';
import { type Clock, systemClock } from './core/clock.js';
import { KeyWindow } from './core/crypto/key-window.js';
import { findServerKeyCheck, storeServerKeyCheck } from './core/crypto/queries.js';
import { loadServerKey, open, seal, subKey } from './core/crypto/secrets.js';
import { migrate } from './core/db/migrate.js';
import { openPg } from './core/db/pg.js';
import { openPglite } from './core/db/pglite.js';
import type { Database } from './core/db/types.js';
import type { Deps } from './core/deps.js';
import { createMailer } from './core/mail/mailer.js';
import { cleanupJob, mailJob } from './core/scheduler/jobs.js';
import { Scheduler } from './core/scheduler/scheduler.js';
import { handoverJob, registerAccessChecks, registerAccessHoldings, reviewRemindersJob, roleDatesJob } from './modules/access/service.js';
import { HoldingRegistry } from './core/handover/registry.js';
import { registerSchoolHoldings, sealStoredIdNumbers } from './modules/school/service.js';
import { registerSecurityChecks, rotationWarningsJob, routineRemindersJob, securityChecksJob } from './modules/security/service.js';
import { digestJob, registerFoundationChecks } from './modules/governance/service.js';
import { exchangeJob, registerExchangeChecks, registerExchangeHoldings } from './modules/exchange/service.js';
import { planningRemindersJob, registerPlanningChecks } from './modules/planning/service.js';
import { settleJobs } from './modules/jobs/service.js';

/** PostgreSQL, or the embedded database in DATA_DIR, taken for this process (`purpose` names it to anyone refused). */
export async function openDatabase(config: Config, log: (m: string, e?: unknown) => void, purpose = 'server'): Promise<Database> {
  return config.DATABASE_URL
    ? openPg(config.DATABASE_URL, config.DATABASE_POOL_SIZE, log)
    : openPglite(config.DATA_DIR, { sharedBuffersMb: config.PGLITE_SHARED_BUFFERS_MB, purpose });
}

/** The server key must be the one this database was set up with, or every TOTP seed is unreadable. */
async function checkServerKey(db: Database, key: Buffer): Promise<void> {
  const k = subKey(key, 'check');
  let value = await db.system((q) => findServerKeyCheck(q));
  if (!value) {
    // Two processes starting at once with different keys: the second reads the first one's check.
    value = (await db.system((q) => storeServerKeyCheck(q, seal(k, 'server-key-ok')))) ?? '';
  }
  try {
    open(k, value);
  } catch {
    throw new Error('The server key (SERVER_KEY or DATA_DIR/server.key) is not the key this database was set up with.');
  }
}

/** Identity numbers stored before they were encrypted (migration 0016) are sealed before anything serves them. */
async function sealStoredIds(db: Database, serverKey: Buffer, log: pino.Logger): Promise<void> {
  const r = await sealStoredIdNumbers(db, serverKey);
  if (r.sealed) log.info({ sealed: r.sealed }, 'identity numbers stored plain are now encrypted');
  for (const dup of r.duplicates)
    log.warn(dup, 'two students of one school have the same HKID: the second is not found by HKID search until one is corrected');
}

function listeningAt(a: ReturnType<Server['address']>): string | undefined {
  return a && typeof a === 'object' ? `http://localhost:${a.port}` : undefined;
}

export interface StartOptions {
  config: Config;
  /** Who holds the embedded database's folder, named to anyone refused (`server`, `demo`). */
  purpose?: string;
  clock?: Clock;
  db?: Database;
  logger?: pino.Logger;
}

/** Everything but listening: database, migrations, keys, services, routes, scheduler. */
export async function createServer(o: StartOptions) {
  const log = o.logger ?? pino({ level: o.config.LOG_LEVEL });
  const clock = o.clock ?? systemClock;
  const db = o.db ?? (await openDatabase(o.config, (m, e) => log.error({ err: e }, m), o.purpose));
  let serverKey: Buffer;
  try {
    await migrate(db);
    serverKey = await loadServerKey(o.config.DATA_DIR, o.config.SERVER_KEY);
    await checkServerKey(db, serverKey);
    await sealStoredIds(db, serverKey, log);
  } catch (err) {
    // Let go of the data folder: a failed start must not keep it from the next one.
    if (!o.db) await db.close().catch(() => undefined);
    throw err;
  }
  const timeouts = { idleMs: o.config.SESSION_IDLE_MINUTES * 60_000, absoluteMs: o.config.SESSION_ABSOLUTE_HOURS * 3600_000 };
  const sessions = new SessionStore(db, clock, timeouts, (m, e) => log.warn({ err: e }, m));
  await sessions.start();
  const keyWindow = new KeyWindow(clock, o.config.SCHOOL_KEY_UNLOCK_MINUTES * 60_000);
  sessions.onEnd((key) => (key === '*' ? keyWindow.clear() : keyWindow.drop(key)));
  const checks = new CheckRegistry((m, e) => log.error({ err: e }, m));
  registerFoundationChecks(checks);
  registerAccessChecks(checks);
  registerExchangeChecks(checks);
  registerSecurityChecks(checks);
  registerPlanningChecks(checks);
  const holdings = new HoldingRegistry();
  registerAccessHoldings(holdings);
  registerSchoolHoldings(holdings);
  registerExchangeHoldings(holdings);
  const mailer = createMailer(o.config.SMTP_URL, o.config.MAIL_FROM);
  const checkpoints = new AuditCheckpoints(checkpointFile(o.config.DATA_DIR), checkpointKey(serverKey));
  const deps: Deps = { config: o.config, db, clock, serverKey, sessions, keyWindow, checks, holdings, mailer, log, checkpoints };
  const { app, routes } = await buildApp(deps);
  const scheduler = new Scheduler(db, clock, (job, err) => log.error({ err, job }, 'job failed'));
  scheduler.register(cleanupJob(timeouts));
  scheduler.register(mailJob(mailer));
  scheduler.register(digestJob({ checks, clock, smtpConfigured: mailer.configured }));
  scheduler.register(roleDatesJob({ clock, sessions }));
  scheduler.register(reviewRemindersJob({ db, clock, config: o.config, sessions, serverKey, smtpConfigured: mailer.configured }));
  scheduler.register(handoverJob({ clock, sessions, holdings }));
  scheduler.register(exchangeJob({ db, clock, smtpConfigured: mailer.configured }));
  scheduler.register(
    securityChecksJob({ db, clock, config: o.config, smtpConfigured: mailer.configured, log: (m, e) => log.error({ err: e }, m) }),
  );
  scheduler.register(routineRemindersJob({ clock }));
  scheduler.register(planningRemindersJob({ clock }));
  scheduler.register(rotationWarningsJob({ clock, smtpConfigured: mailer.configured }));
  // Last, so each checkpoint vouches for what the other jobs of the same tick wrote.
  scheduler.register(auditCheckpointJob(checkpoints, { clock, smtpConfigured: mailer.configured }));
  // Holding the embedded database's folder, the server runs the command line's commands for it.
  let channel: Channel | null = null;
  if (!o.db && db.kind === 'pglite')
    channel = await startChannel(
      o.config.DATA_DIR,
      (cmd) => runCommand({ db, config: o.config, clock, serverKey, listeningAt: () => listeningAt(app.server.address()) }, cmd),
      (m, e) => log.warn({ err: e }, m),
    );
  return {
    app,
    routes,
    deps,
    scheduler,
    async close() {
      await channel?.close();
      scheduler.stop();
      await app.close();
      // Exports this process is writing finish (a second or so) before the database closes under them.
      await settleJobs();
      // A clean stop leaves a checkpoint of where every chain ended.
      await checkpoints.write(db, clock.now()).then(
        (r) => r.wentBack.length > 0 && log.error({ wentBack: r.wentBack }, 'audit chain cut back since its last checkpoint'),
        (err: unknown) => log.error({ err }, 'audit checkpoint at shutdown failed'),
      );
      if (!o.db) await db.close();
    },
  };
}
