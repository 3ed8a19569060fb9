import pg from 'pg';
import { APP_ROLE, assertUuid, type Database, type Listener, type Queryable } from './types.js';

pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

type Client = pg.PoolClient;

export function openPg(url: string, poolSize: number, log: (msg: string, err?: unknown) => void): Database {
  const systemPool = new pg.Pool({ connectionString: url, max: Math.max(3, Math.floor(poolSize / 4)) });
  const appPool = new pg.Pool({ connectionString: url, max: poolSize });
  // Each application connection takes the application role once; which school it is set to is
  // remembered per connection, so a request pays no extra round trip when the school is the same.
  const schoolOf = new WeakMap<Client, string>();
  // A connection is used for a school only after SET ROLE has succeeded on it: never outside RLS.
  const inRole = new WeakSet<Client>();
  systemPool.on('error', (err) => log('idle system connection failed', err));
  appPool.on('error', (err) => log('idle application connection failed', err));

  const wrap = (c: Client): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      const r = await c.query(sql, params as unknown[]);
      return r.rows as T[];
    },
  });

  async function inTx<T>(c: Client, fn: (q: Queryable) => Promise<T>): Promise<T> {
    await c.query('BEGIN');
    try {
      const out = await fn(wrap(c));
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  async function withSchool<T>(id: string, fn: (c: Client) => Promise<T>): Promise<T> {
    assertUuid(id);
    const c = await appPool.connect();
    let broken: Error | undefined;
    try {
      if (!inRole.has(c)) {
        await c.query(`SET ROLE ${APP_ROLE}`);
        inRole.add(c);
      }
      if (schoolOf.get(c) !== id) {
        schoolOf.delete(c);
        await c.query(`SELECT set_config('app.school_id', $1, false)`, [id]);
        schoolOf.set(c, id);
      }
      return await fn(c);
    } catch (err) {
      if (!(err instanceof Error) || !('code' in err)) broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      c.release(broken && isConnectionError(broken) ? broken : undefined);
    }
  }

  async function withSystem<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const c = await systemPool.connect();
    try {
      return await fn(c);
    } finally {
      c.release();
    }
  }

  // LISTEN on one dedicated connection, re-established if it drops.
  const listeners = new Map<string, Set<Listener>>();
  const resetHandlers = new Set<() => void>();
  let listenClient: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;

  async function connectListener(): Promise<void> {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (m) => {
      for (const fn of listeners.get(m.channel) ?? []) fn(m.payload ?? '');
    });
    c.on('error', () => undefined);
    c.on('end', () => {
      listenClient = undefined;
      for (const fn of resetHandlers) fn();
      if (!closed) setTimeout(() => void ensureListener().catch((e) => log('listener reconnect failed', e)), 1000).unref();
    });
    await c.connect();
    for (const ch of listeners.keys()) await c.query(`LISTEN "${ch}"`);
    listenClient = c;
    // Anything cached while we were not listening may be stale.
    for (const fn of resetHandlers) fn();
  }
  function ensureListener(): Promise<void> {
    if (listenClient) return Promise.resolve();
    connecting ??= connectListener().finally(() => (connecting = undefined));
    return connecting;
  }

  return {
    kind: 'pg',
    system: (fn) => withSystem((c) => fn(wrap(c))),
    systemTx: (fn) => withSystem((c) => inTx(c, fn)),
    school: (id, fn) => withSchool(id, (c) => fn(wrap(c))),
    schoolTx: (id, fn) => withSchool(id, (c) => inTx(c, fn)),
    async listen(channel, fn, onReset) {
      if (!/^[a-z_]+$/.test(channel)) throw new Error('bad channel name');
      const first = !listeners.has(channel);
      if (first) listeners.set(channel, new Set());
      listeners.get(channel)?.add(fn);
      if (onReset) resetHandlers.add(onReset);
      await ensureListener();
      if (first && listenClient) await listenClient.query(`LISTEN "${channel}"`);
    },
    async notify(channel, payload) {
      await systemPool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    listening: () => listenClient !== undefined,
    async exclusive(lockId: number, fn: () => Promise<void>) {
      const c = await systemPool.connect();
      try {
        const [r] = (await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [lockId])).rows;
        if (!r?.ok) return false;
        try {
          await fn();
          return true;
        } finally {
          await c.query('SELECT pg_advisory_unlock($1)', [lockId]);
        }
      } finally {
        c.release();
      }
    },
    async close() {
      closed = true;
      await listenClient?.end().catch(() => undefined);
      await Promise.all([systemPool.end(), appPool.end()]);
    },
  };
}

function isConnectionError(err: Error): boolean {
  return /terminat|ECONNRESET|Connection/i.test(err.message);
}
