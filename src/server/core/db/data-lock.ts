import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * One owner of an embedded database folder. PGlite has no lock of its own, and two processes
 * writing one folder damage it for good, so whoever opens the folder first creates
 * `DATA_DIR/owner.lock` (exclusively: see createExclusive) and keeps it until it closes the
 * database. The file says who (pid, that process's start time, boot and host), so a lock left by a
 * process that died is recognised and taken over, even when its pid now belongs to another process.
 */

/** What the lock file holds. */
export interface LockOwner {
  pid: number;
  /** The process's start, in clock ticks since boot (Linux /proc); null where /proc is missing. */
  startTicks: number | null;
  bootId: string | null;
  host: string;
  /** `server`, `demo` or the command, for the refusal message. */
  purpose: string;
  since: string;
}

const serverPurpose = (purpose: string) => purpose === 'server' || purpose === 'demo';

/** The folder is open in another process that is still alive. */
export class DataDirBusy extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    const who = serverPurpose(owner.purpose) ? 'The server is running' : `Another command (${owner.purpose}) is running`;
    const where = `${dataDir}, process ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`} since ${owner.since}`;
    const what = who.startsWith('The server') ? 'stop it first, then run this again' : 'wait for it to finish, then try again';
    super(`${who} on this data folder (${where}); ${what}.`);
  }

  /** Held by a server (`npm start` or `npm run demo`), which serves some commands over its local channel. */
  get byServer(): boolean {
    return serverPurpose(this.owner.purpose);
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

export const LOCK_FILE = 'owner.lock';

/** The folder exists but PGlite cannot open it (damaged files). One line instead of the library's abort dump. */
export class DataDirUnreadable extends Error {
  constructor(
    readonly dataDir: string,
    cause: unknown,
  ) {
    super(
      `The embedded database in ${dataDir} cannot be opened: its files are damaged or unreadable. Restore the folder from a backup: see docs/operations.md, "Restoring the data folder".`,
      { cause },
    );
  }
}

function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat (after the command name, which may hold spaces and brackets). */
function startTicksOf(pid: number): number | null {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return null;
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[19]);
  return Number.isFinite(ticks) ? ticks : null;
}

const bootId = (): string | null => readProc('/proc/sys/kernel/random/boot_id')?.trim() ?? null;

function me(purpose: string, now: Date): LockOwner {
  return { pid: process.pid, startTicks: startTicksOf(process.pid), bootId: bootId(), host: hostname(), purpose, since: now.toISOString() };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the recorded owner is certainly gone. A lock from another host is never judged (its
 * processes cannot be seen from here); one from an earlier boot, a dead pid, or a pid now held by
 * a process that started at another time, is.
 */
export function ownerGone(o: LockOwner): boolean {
  if (o.host !== hostname()) return false;
  const boot = bootId();
  if (o.bootId && boot && o.bootId !== boot) return true;
  if (!alive(o.pid)) return true;
  const ticks = startTicksOf(o.pid);
  return o.startTicks !== null && ticks !== null && ticks !== o.startTicks;
}

interface Found {
  owner: LockOwner;
  raw: string;
}

function readOwner(file: string): Found | null {
  const raw = readProc(file);
  if (raw === null) return null;
  try {
    const o = JSON.parse(raw) as LockOwner;
    if (typeof o.pid === 'number' && typeof o.host === 'string') return { owner: o, raw };
  } catch {
    // Damaged content (a power cut before the file reached the disk): fall through.
  }
  // Unreadable content counts as a dead owner on this host, so a damaged lock never keeps the folder for good.
  return { owner: { pid: 0, startTicks: null, bootId: null, host: hostname(), purpose: 'unknown', since: 'unknown' }, raw };
}

/**
 * Create `file` holding `content`, or return false when it exists. The content is written to a
 * private file first and hard-linked into place (atomic, and fails if the name exists), so nobody
 * ever reads a lock file that is still empty; where the file system has no hard links, O_EXCL.
 */
function createExclusive(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    return createWithExcl(file, content);
  } finally {
    unlinkSync(temp);
  }
}

function createWithExcl(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Unlink `file` only if it still holds `raw` (nobody replaced it meanwhile). */
function removeIfSame(file: string, raw: string): void {
  if (readProc(file) === raw) {
    try {
      unlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/**
 * Take the folder for this process, or throw DataDirBusy. A stale lock is removed only while
 * holding a short-lived takeover guard (itself an O_EXCL file), so two processes that both find
 * the same dead owner cannot both take over.
 */
export function acquireDataDirLock(dataDir: string, purpose: string, now = new Date()): DataDirLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, LOCK_FILE);
  const guard = `${file}.takeover`;
  const mine = me(purpose, now);
  const content = JSON.stringify(mine);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(file, content)) return held(file, content);
    const found = readOwner(file);
    if (!found) continue; // removed between our try and our read: try again
    if (!ownerGone(found.owner)) throw new DataDirBusy(dataDir, found.owner);
    if (!createExclusive(guard, content)) {
      const g = readOwner(guard);
      if (g && ownerGone(g.owner)) removeIfSame(guard, g.raw);
      continue;
    }
    try {
      // Under the guard: remove the lock only if it still names a dead owner.
      const current = readOwner(file);
      if (current && ownerGone(current.owner)) removeIfSame(file, current.raw);
      if (createExclusive(file, content)) return held(file, content);
    } finally {
      removeIfSame(guard, content);
    }
  }
  throw new DataDirBusy(dataDir, readOwner(file)?.owner ?? mine);
}

function held(file: string, content: string): DataDirLock {
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      try {
        if (readFileSync(file, 'utf8') === content) unlinkSync(file);
      } catch {
        // Already gone: nothing to release.
      }
    },
  };
}
