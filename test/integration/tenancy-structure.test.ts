/**
 * Tenancy as structure: read from the database's own catalogue, so a table or a reference added
 * later is covered without anyone remembering to list it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/server/core/db/types.js';
import { exchangeFixture } from '../helpers/factories.js';
import { type SetupSchool, type TestServer, setupSchool, startTestServer } from '../helpers/server.js';

let s: TestServer;
let a: SetupSchool;
let b: SetupSchool;
let edb: SetupSchool;

beforeAll(async () => {
  s = await startTestServer();
  a = await setupSchool(s, 1);
  b = await setupSchool(s, 2);
  edb = await setupSchool(s, 3, 'EDB');
});
afterAll(() => s?.close());

/** Runs `fn` as the application role for `schoolId` and rolls everything back; returns the error code it failed with. */
async function failsAs(schoolId: string, fn: (q: Queryable) => Promise<unknown>): Promise<string> {
  const rolledBack = new Error('rolled back');
  try {
    await s.db.schoolTx(schoolId, async (q) => {
      await fn(q);
      throw rolledBack;
    });
  } catch (err) {
    if (err === rolledBack) return 'succeeded';
    return String((err as { code?: string }).code ?? (err as Error).message);
  }
  return 'succeeded';
}

const one = async (q: Queryable, sql: string, params: unknown[] = []) => (await q.query<{ id: string }>(sql, params))[0]?.id ?? '';

describe('tenancy structure', () => {
  it('every table with a school (or authority) column that the application role can reach has forced row-level security and a policy for it', async () => {
    const rows = await s.db.system((q) =>
      q.query<{ table: string; rls: boolean; forced: boolean; policies: number }>(
        `SELECT c.relname AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
                (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid
                   AND (p.polroles = '{0}' OR (SELECT oid FROM pg_roles WHERE rolname = 'sams_app') = ANY (p.polroles))) AS policies
           FROM pg_class c
          WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
            AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname IN ('school_id', 'authority_id') AND NOT a.attisdropped)
            AND (has_table_privilege('sams_app', c.oid, 'SELECT') OR has_table_privilege('sams_app', c.oid, 'INSERT')
                 OR has_table_privilege('sams_app', c.oid, 'UPDATE') OR has_table_privilege('sams_app', c.oid, 'DELETE'))
          ORDER BY 1`,
      ),
    );
    expect(rows.length).toBeGreaterThan(35);
    const weak = rows.filter((r) => !r.rls || !r.forced || r.policies < 1).map((r) => r.table);
    expect(weak).toEqual([]);
  });

  it('every reference between two school-owned tables includes the school (or, across the exchange, the authority)', async () => {
    const refs = await s.db.system((q) =>
      q.query<{ name: string; src: string; cols: string[]; refcols: string[] }>(
        `SELECT c.conname AS name, c.conrelid::regclass::text AS src,
                ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS cols,
                ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS refcols
           FROM pg_class t JOIN pg_constraint c ON c.conrelid = t.oid AND c.contype = 'f'
          WHERE t.relnamespace = 'public'::regnamespace
            AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attname IN ('school_id', 'authority_id'))
            AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.confrelid AND a.attname IN ('school_id', 'authority_id'))
            AND c.confrelid <> 'schools'::regclass`,
      ),
    );
    expect(refs.length).toBeGreaterThan(50);
    // The exchange log is written by both sides about rows of the other: its insert policy checks
    // that the delivery it names is one the writer can see.
    const crossSide = new Set(['exchange_events_delivery_id_fkey']);
    const single = refs.filter((r) => !crossSide.has(r.name) && !['school_id', 'authority_id'].includes(r.cols[0] ?? ''));
    expect(single.map((r) => `${r.src}.${r.cols.join(',')}`)).toEqual([]);
    // The school is matched with the school (or the authority with the organisation that owns the row).
    const mismatched = refs.filter(
      (r) =>
        !crossSide.has(r.name) &&
        !(r.cols[0] === 'school_id' && r.refcols[0] === 'school_id') &&
        !(r.cols[0] === 'authority_id' && ['school_id', 'authority_id'].includes(r.refcols[0] ?? '')),
    );
    expect(mismatched.map((r) => r.name)).toEqual([]);
  });

  it("the database refuses a row of one school that points at another school's role, user or staff record", async () => {
    const bRole = await s.db.school(b.schoolId, (q) => one(q, `SELECT id FROM roles WHERE template_key = 'teacher'`));
    const aUser = a.adminId;
    const bUser = b.adminId;
    expect(bRole).not.toBe('');
    // The services check every id first; these go straight to SQL as the application role of school A.
    expect(
      await failsAs(a.schoolId, (q) =>
        q.query('INSERT INTO user_roles (school_id, user_id, role_id, granted_at) VALUES ($1, $2, $3, now())', [a.schoolId, aUser, bRole]),
      ),
    ).toBe('23503');
    expect(
      await failsAs(a.schoolId, (q) =>
        q.query(`INSERT INTO staff (school_id, staff_code, name_en, status, user_id) VALUES ($1, 'X01', 'Chan Tai Man', 'serving', $2)`, [
          a.schoolId,
          bUser,
        ]),
      ),
    ).toBe('23503');
    expect(
      await failsAs(a.schoolId, (q) =>
        q.query('INSERT INTO security_recipients (school_id, user_id, events, created_at) VALUES ($1, $2, $3, now())', [
          a.schoolId,
          bUser,
          ['account_locked'],
        ]),
      ),
    ).toBe('23503');
    // The same statements with school A's own rows are accepted: the refusals above are about the school.
    const aRole = await s.db.school(a.schoolId, (q) => one(q, `SELECT id FROM roles WHERE template_key = 'teacher'`));
    expect(
      await failsAs(a.schoolId, (q) =>
        q.query('INSERT INTO user_roles (school_id, user_id, role_id, granted_at) VALUES ($1, $2, $3, now())', [a.schoolId, aUser, aRole]),
      ),
    ).toBe('succeeded');
  });

  it("a package cannot be filed against another school's delivery or for another authority", async () => {
    const toA = await exchangeFixture(s.db, { authorityId: edb.schoolId, publisherId: edb.adminId, schoolId: a.schoolId, ref: 'T-A' });
    const toB = await exchangeFixture(s.db, { authorityId: edb.schoolId, publisherId: edb.adminId, schoolId: b.schoolId, ref: 'T-B' });
    const returnA = await s.db.systemTx((q) =>
      one(
        q,
        `INSERT INTO exchange_returns (school_id, delivery_id, kind, data, state, prepared_by, created_at, updated_at)
         VALUES ($1, $2, 'manual', '{}'::jsonb, 'processing', $3, now(), now()) RETURNING id`,
        [a.schoolId, toA.deliveryId, a.adminId],
      ),
    );
    const pkg = (deliveryId: string, authorityId: string) => (q: Queryable) =>
      q.query(
        `INSERT INTO exchange_packages (school_id, authority_id, delivery_id, return_id, amendment, package, package_hash, state, sent_at)
         VALUES ($1, $2, $3, $4, 0, '{}'::jsonb, 'h', 'sent', now())`,
        [a.schoolId, authorityId, deliveryId, returnA],
      );
    expect(await failsAs(a.schoolId, pkg(toB.deliveryId, edb.schoolId))).toBe('23503');
    expect(await failsAs(a.schoolId, pkg(toA.deliveryId, b.schoolId))).toBe('23503');
    expect(await failsAs(a.schoolId, pkg(toA.deliveryId, edb.schoolId))).toBe('succeeded');
  });

  it('the exchange log takes no entry about a delivery the writer cannot see', async () => {
    const toB = await exchangeFixture(s.db, { authorityId: edb.schoolId, publisherId: edb.adminId, schoolId: b.schoolId, ref: 'T-B2' });
    const entry = (deliveryId: string) => (q: Queryable) =>
      q.query(`INSERT INTO exchange_events (school_id, delivery_id, event, at) VALUES ($1, $2, 'opened', now())`, [a.schoolId, deliveryId]);
    expect(await failsAs(a.schoolId, entry(toB.deliveryId))).toBe('42501');
    const toA = await exchangeFixture(s.db, { authorityId: edb.schoolId, publisherId: edb.adminId, schoolId: a.schoolId, ref: 'T-A2' });
    expect(await failsAs(a.schoolId, entry(toA.deliveryId))).toBe('succeeded');
    // An entry cannot be moved onto another school's delivery afterwards, or removed: the log only grows.
    await s.db.schoolTx(a.schoolId, (q) => entry(toA.deliveryId)(q));
    expect(
      await failsAs(a.schoolId, (q) =>
        q.query('UPDATE exchange_events SET delivery_id = $1 WHERE delivery_id = $2', [toB.deliveryId, toA.deliveryId]),
      ),
    ).toBe('42501');
    expect(await failsAs(a.schoolId, (q) => q.query('DELETE FROM exchange_events WHERE delivery_id = $1', [toA.deliveryId]))).toBe('42501');
  });

  it("an entry in a school's exchange log cannot name another school's return", async () => {
    const toB = await exchangeFixture(s.db, { authorityId: edb.schoolId, publisherId: edb.adminId, schoolId: b.schoolId, ref: 'T-B3' });
    const returnB = await s.db.systemTx((q) =>
      one(
        q,
        `INSERT INTO exchange_returns (school_id, delivery_id, kind, data, state, prepared_by, created_at, updated_at)
         VALUES ($1, $2, 'manual', '{}'::jsonb, 'draft', $3, now(), now()) RETURNING id`,
        [b.schoolId, toB.deliveryId, b.adminId],
      ),
    );
    expect(
      await failsAs(a.schoolId, (q) =>
        q.query(`INSERT INTO exchange_events (school_id, return_id, event, at) VALUES ($1, $2, 'return_edited', now())`, [
          a.schoolId,
          returnB,
        ]),
      ),
    ).toBe('23503');
  });
});
