import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';
import { type AnchoredVerifyResult, checkpointFile, checkpointKey, verifyAuditAnchored } from './core/audit/checkpoint.js';
import { type VerifyResult, verifyAudit } from './core/audit/audit.js';
import type { Clock } from './core/clock.js';
import { loadServerKey } from './core/crypto/secrets.js';
import type { Database } from './core/db/types.js';
import { authorityExists } from './core/setup/queries.js';
import { createSetupToken } from './core/setup/service.js';
import { hkStampEn } from './core/hk-time.js';

/**
 * The command-line commands that work on a database, written once: `npm run cli` runs them itself
 * when it can open the database, and asks the running server to run them (local channel) when
 * the server holds the embedded database's folder.
 */
export const SERVED_COMMANDS = /^(audit verify|school create|authority create (EDB|HKEAA))$/;

export interface CommandResult {
  code: number;
  out: string[];
  err: string[];
}

export interface CommandContext {
  db: Database;
  config: Config;
  clock: Clock;
  /** The server key when known (the running server's; or SERVER_KEY / DATA_DIR/server.key): checkpoints need it. */
  serverKey: Buffer | null;
  /** The running server's own address, when it runs the command (it knows the port it listens on). */
  listeningAt?: () => string | undefined;
}

/** The server key if one exists, without creating one (a command must not invent a key). */
export async function existingServerKey(config: Config): Promise<Buffer | null> {
  if (config.SERVER_KEY || existsSync(join(config.DATA_DIR, 'server.key'))) return loadServerKey(config.DATA_DIR, config.SERVER_KEY);
  return null;
}

export async function runCommand(c: CommandContext, cmd: string): Promise<CommandResult> {
  const base = (c.config.PUBLIC_URL ?? c.listeningAt?.() ?? `http://localhost:${c.config.PORT}`).replace(/\/$/, '');
  if (cmd === 'audit verify') return auditVerify(c);
  if (cmd === 'school create') {
    const { token, expiresAt } = await createSetupToken(c.db, c.clock);
    return ok([`One-time setup link for a new school (valid until ${hkStampEn(expiresAt)}):`, `  ${base}/setup/${token}`]);
  }
  const m = /^authority create (EDB|HKEAA)$/.exec(cmd);
  if (m) {
    const code = m[1] as 'EDB' | 'HKEAA';
    if (await c.db.system((q) => authorityExists(q, code)))
      return { code: 1, out: [], err: [`${code} is already set up on this installation; its administrators add further users.`] };
    const { token, expiresAt } = await createSetupToken(c.db, c.clock, code);
    return ok([`One-time setup link for the first ${code} user (valid until ${hkStampEn(expiresAt)}):`, `  ${base}/setup/${token}`]);
  }
  return { code: 2, out: [], err: [`Unknown command: ${cmd}`] };
}

const ok = (out: string[]): CommandResult => ({ code: 0, out, err: [] });

async function auditVerify(c: CommandContext): Promise<CommandResult> {
  const file = checkpointFile(c.config.DATA_DIR);
  const r: VerifyResult & { checkpoints?: AnchoredVerifyResult['checkpoints'] } = c.serverKey
    ? await verifyAuditAnchored(c.db, file, checkpointKey(c.serverKey))
    : await c.db.system((q) => verifyAudit(q));
  const cp = r.checkpoints;
  const err: string[] = [];
  if (cp && cp.forged.length > 0)
    err.push(
      `Audit checkpoints FORGED or damaged: line ${cp.forged.slice(0, 10).join(', ')}${cp.forged.length > 10 ? ', …' : ''} of ${file} does not carry a valid signature under this server key.`,
    );
  if (r.broken) err.push(describeBroken(r.broken, r.checked));
  if (err.length > 0) return { code: 1, out: [], err };
  const anchored = !cp
    ? 'no server key here, so checkpoints were not checked'
    : cp.chains === 0
      ? `no checkpoints in ${file} yet, so a shortened chain would not be noticed`
      : `${cp.chains} chain${cp.chains === 1 ? '' : 's'} held against the checkpoints in ${file} (latest ${cp.latestAt})`;
  return ok([`Audit chain intact: ${r.checked} records checked; ${anchored}.`]);
}

function describeBroken(b: NonNullable<AnchoredVerifyResult['broken']>, checked: number): string {
  const head = `Audit chain BROKEN in chain ${b.chainId} at record ${b.seq}`;
  const vouched =
    b.vouched === undefined
      ? ''
      : b.vouched
        ? `; the last record a checkpoint vouches for is ${b.vouched.seq} (checkpoint of ${b.vouched.at})`
        : '; no record of this chain is vouched for by a checkpoint';
  if (b.reason === 'truncated')
    return `${head} (truncated: the chain ends before record ${b.checkpoint?.seq}, which the checkpoint of ${b.checkpoint?.at} vouched for)${vouched}.`;
  if (b.reason === 'rewritten')
    return `${head} (rewritten: the record differs from the one the checkpoint of ${b.checkpoint?.at} vouched for)${vouched}.`;
  return `${head} (${b.reason}); ${checked} records before it are intact${vouched}.`;
}
