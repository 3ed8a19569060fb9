import { hkStampEn, hkStampZh } from '../hk-time.js';
import { mkdir, open as openFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { hmac, safeEqual } from '../crypto/secrets.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/types.js';
import { queueMail } from '../notify/notify.js';
import { listSecurityRecipients } from '../notify/queries.js';
import type { Job } from '../scheduler/scheduler.js';
import { type Anchor, type VerifyResult, canonical, verifyAudit } from './audit.js';
import { listChainHeads } from './queries.js';

/**
 * Signed checkpoints of the audit chains' heads, kept outside the database: each line of
 * `DATA_DIR/audit-checkpoints.jsonl` says "at this time, chain C reached record S with hash H",
 * under an HMAC whose key comes from the server key (which the database never holds). Someone who
 * can change the database but not this file and the key cannot cut a chain back or rewrite it
 * unnoticed: `audit verify` finds the chain shorter, or different, than a checkpoint said.
 */
export const CHECKPOINT_FILE = 'audit-checkpoints.jsonl';

/** The checkpoint key: a sub-key of the server key for this one use. */
export const checkpointKey = (serverKey: Buffer): Buffer => hmac(serverKey, 'hk-school-admin/audit-checkpoint');

export const checkpointFile = (dataDir: string): string => join(dataDir, CHECKPOINT_FILE);

interface ChainEntry {
  id: string;
  seq: number;
  hash: string;
}

interface Line {
  v: 1;
  at: string;
  chains: ChainEntry[];
  mac: string;
}

const macOf = (key: Buffer, at: string, chains: ChainEntry[]): Buffer => hmac(key, canonical({ v: 1, at, chains }));

export interface LoadedCheckpoints {
  /** Each chain's checkpoints (distinct seq and hash), oldest first. */
  anchors: Map<string, Anchor[]>;
  lines: number;
  /** Line numbers (from 1) whose signature is wrong or which cannot be read. */
  forged: number[];
  latestAt: string | null;
}

/** Read and check every line; a missing file is no checkpoints. */
export async function loadCheckpoints(file: string, key: Buffer): Promise<LoadedCheckpoints> {
  const out: LoadedCheckpoints = { anchors: new Map(), lines: 0, forged: [], latestAt: null };
  const seen = new Set<string>();
  let input;
  try {
    input = (await openFile(file, 'r')).createReadStream({ encoding: 'utf8' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw err;
  }
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    out.lines++;
    if (!text.trim()) continue;
    const line = parseLine(text);
    if (!line || !safeEqual(Buffer.from(line.mac, 'hex'), macOf(key, line.at, line.chains))) {
      out.forged.push(out.lines);
      continue;
    }
    if (!out.latestAt || line.at > out.latestAt) out.latestAt = line.at;
    for (const c of line.chains) {
      const k = `${c.id}:${c.seq}:${c.hash}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const list = out.anchors.get(c.id) ?? [];
      list.push({ seq: c.seq, hash: Buffer.from(c.hash, 'hex'), at: line.at, line: out.lines });
      out.anchors.set(c.id, list);
    }
  }
  return out;
}

function parseLine(text: string): Line | null {
  try {
    const l = JSON.parse(text) as Line;
    const chainOk = (c: ChainEntry) =>
      typeof c?.id === 'string' && Number.isInteger(c.seq) && typeof c.hash === 'string' && /^[0-9a-f]{64}$/.test(c.hash);
    if (l?.v !== 1 || typeof l.at !== 'string' || typeof l.mac !== 'string' || !Array.isArray(l.chains) || !l.chains.every(chainOk))
      return null;
    return l;
  } catch {
    return null;
  }
}

export interface AnchoredVerifyResult extends VerifyResult {
  checkpoints: { file: string; lines: number; chains: number; latestAt: string | null; forged: number[] };
}

/** `audit verify`: every chain recomputed and held against every checkpoint in the file; a forged line fails too. */
export async function verifyAuditAnchored(db: Database, file: string, key: Buffer): Promise<AnchoredVerifyResult> {
  const loaded = await loadCheckpoints(file, key);
  const r = await db.system((q) => verifyAudit(q, loaded.anchors));
  return {
    ...r,
    ok: r.ok && loaded.forged.length === 0,
    checkpoints: { file, lines: loaded.lines, chains: loaded.anchors.size, latestAt: loaded.latestAt, forged: loaded.forged },
  };
}

/** What the audit page shows for one chain. */
export interface ChainCheckpoint {
  at: string | null;
  seq: number | null;
}
export interface WriteOutcome {
  written: boolean;
  /** Chains whose head is now below the last checkpoint of them: someone cut the log back. */
  wentBack: { chainId: string; from: number; to: number }[];
}

/**
 * The writer. It remembers the last head it vouched for per chain (read from the file at first
 * use), and appends a line only for chains that moved, so running it again changes nothing.
 */
export class AuditCheckpoints {
  private last: Map<string, { seq: number; hash: string; at: string }> | undefined;
  /** The file's size after our last append: smaller means it was cut or replaced, so what it holds is read again. */
  private size = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly key: Buffer,
  ) {}

  private async state() {
    if (!this.last) {
      const loaded = await loadCheckpoints(this.file, this.key);
      this.last = new Map();
      for (const [id, anchors] of loaded.anchors) {
        const top = anchors.reduce((a, b) => (b.seq >= a.seq ? b : a));
        this.last.set(id, { seq: top.seq, hash: top.hash.toString('hex'), at: top.at });
      }
    }
    return this.last;
  }

  /**
   * Append a checkpoint of every chain head that moved since the last one. Says whether a line was
   * written, and which chains now end before a record an earlier checkpoint vouched for.
   */
  write(db: Database, now: Date): Promise<WriteOutcome> {
    const run = this.queue.then(async () => {
      if ((await sizeOf(this.file)) < this.size) this.last = undefined;
      const last = await this.state();
      const heads = await db.system((q) => listChainHeads(q));
      const chains = heads
        .map((h) => ({ id: h.chain_id, seq: h.seq, hash: Buffer.from(h.hash).toString('hex') }))
        .filter((c) => last.get(c.id)?.seq !== c.seq || last.get(c.id)?.hash !== c.hash);
      const wentBack = chains
        .filter((c) => (last.get(c.id)?.seq ?? 0) > c.seq)
        .map((c) => ({ chainId: c.id, from: last.get(c.id)?.seq ?? 0, to: c.seq }));
      if (chains.length === 0) return { written: false, wentBack };
      const at = now.toISOString();
      const line: Line = { v: 1, at, chains, mac: macOf(this.key, at, chains).toString('hex') };
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      const f = await openFile(this.file, 'a', 0o600);
      try {
        await f.appendFile(`${JSON.stringify(line)}\n`);
        await f.sync();
        this.size = (await f.stat()).size;
      } finally {
        await f.close();
      }
      for (const c of chains) last.set(c.id, { seq: c.seq, hash: c.hash, at });
      return { written: true, wentBack };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The latest checkpoint of one chain: when, and up to which record. */
  async status(chainId: string): Promise<ChainCheckpoint> {
    const c = (await this.state()).get(chainId);
    return { at: c?.at ?? null, seq: c?.seq ?? null };
  }

  /** The latest checkpoint of one chain with its hash, or undefined before the first. */
  async latest(chainId: string): Promise<{ at: string; seq: number; hash: string } | undefined> {
    return (await this.state()).get(chainId);
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

/**
 * Every 10 minutes (and at a clean stop, see server.ts), checkpoint the heads that moved. Once a
 * day, each organisation's own checkpoint is also e-mailed to whoever its notification list names
 * for `audit_checkpoint`: a copy an intruder on this server cannot reach.
 */
export function auditCheckpointJob(checkpoints: AuditCheckpoints, o: { clock: Clock; smtpConfigured: boolean }): Job {
  let mailedDay = '';
  return {
    name: 'audit-checkpoint',
    everyMs: 10 * 60_000,
    async run({ db, now, forEachSchool }) {
      const { wentBack } = await checkpoints.write(db, now);
      const day = now.toISOString().slice(0, 10);
      if (day !== mailedDay) {
        await forEachSchool('any', (id) => mailCheckpoint(db, checkpoints, o, id, day));
        mailedDay = day;
      }
      // Said once, in the server's log, when the job first sees it: the new line vouches for the
      // shorter chain, but the earlier line stays, so `audit verify` still fails.
      if (wentBack.length > 0)
        throw new Error(
          `audit chain cut back since its last checkpoint (${wentBack.map(describeCut).join('; ')}): run npm run cli -- audit verify`,
        );
    },
  };
}

const describeCut = (w: WriteOutcome['wentBack'][number]) => `${w.chainId}: record ${w.from} → ${w.to}`;

async function mailCheckpoint(
  db: Database,
  checkpoints: AuditCheckpoints,
  o: { clock: Clock; smtpConfigured: boolean },
  schoolId: string,
  day: string,
): Promise<void> {
  const c = await checkpoints.latest(schoolId);
  if (!c) return;
  await db.schoolTx(schoolId, async (q) => {
    // Only those listed for it: a daily record, not an alert, so no fallback to permission holders.
    for (const r of await listSecurityRecipients(q, 'audit_checkpoint')) {
      const to = r.email ?? r.user_email;
      if (!to) continue;
      await queueMail(q, o.clock, o.smtpConfigured, {
        schoolId,
        to,
        subject: `Audit checkpoint / 審計檢查點 ${day}`,
        body: [
          `This organisation's audit log had reached record ${c.seq} (hash ${c.hash}) when the server checkpointed it at ${hkStampEn(new Date(c.at))}.`,
          'Keep this message apart from the server: if the log is ever found shorter or different, it shows how far the log went.',
          `本機構的審計日誌於 ${hkStampZh(new Date(c.at))} 的檢查點已記錄至第 ${c.seq} 項（雜湊值 ${c.hash}）。`,
          '請把本郵件與伺服器分開保存：如日後發現日誌被刪短或改動，可憑此核對日誌原有的長度。',
        ].join('\n'),
        idemKey: `audit-checkpoint:${schoolId}:${day}:${r.user_id ?? r.email ?? to}`,
      });
    }
  });
}
