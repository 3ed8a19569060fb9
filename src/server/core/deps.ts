import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { AuditCheckpoints } from './audit/checkpoint.js';
import type { SessionStore } from './auth/sessions.js';
import type { CheckRegistry } from './checks/registry.js';
import type { Clock } from './clock.js';
import type { KeyWindow } from './crypto/key-window.js';
import type { Database } from './db/types.js';
import type { HoldingRegistry } from './handover/registry.js';
import type { Mailer } from './mail/mailer.js';

/** What the server is built from. Services take only the parts they use. */
export interface Deps {
  config: Config;
  db: Database;
  clock: Clock;
  serverKey: Buffer;
  sessions: SessionStore;
  /** School keys people unlocked, per session, for a short while (memory only). */
  keyWindow: KeyWindow;
  checks: CheckRegistry;
  holdings: HoldingRegistry;
  mailer: Mailer;
  log: FastifyBaseLogger;
  /** Signed checkpoints of the audit chains' heads in DATA_DIR. */
  checkpoints: AuditCheckpoints;
}
