import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { EventEmitter } from 'node:events';
import { DataDirUnreadable, acquireDataDirLock } from './data-lock.js';
import { APP_ROLE, assertUuid, type Database, type Listener, type Queryable } from './types.js';

/** PGlite runs one statement at a time; this lock also keeps role/school switches atomic with the work. */
class Lock {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

const parsers = { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) };

/** PGlite's own start parameters plus ours. Its default shared_buffers (128 MB) would be most of the process's memory. */
const startParams = (sharedBuffersMb: number) => [
  // PGlite exports its default start parameters at run time but not in its type declarations.
  ...(PGlite as unknown as { defaultStartParams: string[] }).defaultStartParams,
  '-c',
  `shared_buffers=${sharedBuffersMb}MB`,
];

/**
 * Opens PGlite in `dataDir` (a folder: taken for this process with `acquireDataDirLock`, released
 * on close) or in memory (`undefined`). `purpose` names the owner in a refusal (`server`, `demo`, a command).
 */
export async function openPglite(
  dataDir: string | undefined,
  opts: { loadDataDir?: Blob; sharedBuffersMb?: number; purpose?: string } = {},
): Promise<Database & { pg: PGlite }> {
  const onDisk = dataDir !== undefined && !/^[a-z]+:\/\//.test(dataDir);
  const owner = onDisk ? acquireDataDirLock(dataDir, opts.purpose ?? 'server') : undefined;
  let pg: PGlite;
  try {
    // pg_trgm: the student search's index (migration 0025).
    // One options object: given as the second argument beside an undefined folder, the extensions are not loaded.
    pg = new PGlite({
      dataDir,
      parsers,
      loadDataDir: opts.loadDataDir,
      startParams: startParams(opts.sharedBuffersMb ?? 32),
      extensions: { pg_trgm },
    });
    await pg.waitReady;
  } catch (err) {
    owner?.release();
    // PGlite aborts (`RuntimeError: Aborted()`) on damaged files; say so in one line instead.
    throw onDisk ? new DataDirUnreadable(dataDir, err) : err;
  }
  const db = wrapPglite(pg);
  if (!owner) return db;
  return {
    ...db,
    async close() {
      try {
        await db.close();
      } finally {
        owner.release();
      }
    },
  };
}

export function wrapPglite(pg: PGlite): Database & { pg: PGlite } {
  const lock = new Lock();
  const events = new EventEmitter();
  events.setMaxListeners(100);
  // What the single connection is set to now, so a request pays no round trip when nothing changes.
  let role: 'system' | 'app' = 'system';
  let school = '';
  const held = new Set<number>();

  const q: Queryable = {
    async query<T>(sql: string, params?: unknown[]) {
      const r = await pg.query<T>(sql, params as unknown[]);
      return r.rows;
    },
  };

  async function enter(want: 'system' | 'app', schoolId: string) {
    if (role === want && school === schoolId) return;
    const stmts: string[] = [];
    if (role !== want) stmts.push(want === 'app' ? `SET ROLE ${APP_ROLE}` : 'RESET ROLE');
    if (school !== schoolId) stmts.push(`SET app.school_id = '${schoolId}'`);
    await pg.exec(stmts.join(';'));
    role = want;
    school = schoolId;
  }

  async function inTx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    await pg.query('BEGIN');
    try {
      const out = await fn(q);
      await pg.query('COMMIT');
      return out;
    } catch (err) {
      await pg.query('ROLLBACK');
      throw err;
    }
  }

  return {
    kind: 'pglite',
    pg,
    system: (fn) => lock.run(async () => (await enter('system', ''), fn(q))),
    systemTx: (fn) => lock.run(async () => (await enter('system', ''), inTx(fn))),
    school: (id, fn) => lock.run(async () => (await enter('app', assertUuid(id)), fn(q))),
    schoolTx: (id, fn) => lock.run(async () => (await enter('app', assertUuid(id)), inTx(fn))),
    async listen(channel: string, fn: Listener) {
      events.on(channel, fn);
    },
    async notify(channel: string, payload: string) {
      events.emit(channel, payload);
    },
    listening: () => true,
    // One process owns a PGlite data directory, so an in-process flag is the whole lock.
    async exclusive(lockId: number, fn: () => Promise<void>) {
      if (held.has(lockId)) return false;
      held.add(lockId);
      try {
        await fn();
        return true;
      } finally {
        held.delete(lockId);
      }
    },
    close: () => lock.run(() => pg.close()),
  };
}
