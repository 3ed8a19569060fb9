/**
 * Identity numbers encrypted at rest (issue 15, item 7): after students are created and imported with
 * known HKIDs, nothing in the data — the embedded database's whole folder, or every row of every table
 * on PostgreSQL — holds one; reveal, search and duplicate refusal still work; numbers stored plain
 * before are sealed at start-up, once, also when two processes do it at once.
 */
import type { PGlite } from '@electric-sql/pglite';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/server/core/db/types.js';
import { hkidWithCheck } from '../../src/server/modules/school/identity.js';
import { sealStoredIdNumbers } from '../../src/server/modules/school/service.js';
import { createServer } from '../../src/server/server.js';
import { TEST_DB } from '../helpers/db.js';
import { type SetupSchool, type TestServer, setupSchool, startTestServer } from '../helpers/server.js';

let s: TestServer;
let a: SetupSchool;
let b: SetupSchool;
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Numbers no other test uses; each is searched for without its check character, so every spelling is caught. */
const FORM = hkidWithCheck('K', '739264');
const FILE_1 = hkidWithCheck('KP', '581730');
const FILE_2 = hkidWithCheck('R', '906415');
const needle = (hkid: string) => hkid.replace(/\(.\)$/, '');
const student = (regNo: string, idNumber: string, nameEn: string, idType = 'hkid') => ({
  regNo,
  nameEn,
  sex: 'F',
  dateOfBirth: '2013-05-06',
  idType,
  idNumber,
  entryDate: '2025-09-01',
  status: 'on_roll',
});
const HEAD = 'reg_no,name_en,sex,date_of_birth,id_type,id_number,entry_date';
const row = (regNo: string, nameEn: string, idNumber: string) => `${regNo},${nameEn},M,2014-02-03,hkid,${idNumber},2026-09-01`;

beforeAll(async () => {
  s = await startTestServer();
  a = await setupSchool(s, 1);
  b = await setupSchool(s, 2);
});
afterAll(() => s?.close());

/** Tar entries (name, bytes) of a PGlite data folder dump. */
function tarEntries(tar: Buffer): { name: string; data: Buffer }[] {
  const out: { name: string; data: Buffer }[] = [];
  for (let off = 0; off + 512 <= tar.length;) {
    const header = tar.subarray(off, off + 512);
    if (header.every((x) => x === 0)) break;
    const field = (from: number, len: number) =>
      header
        .subarray(from, from + len)
        .toString('latin1')
        .replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    out.push({ name, data: tar.subarray(off + 512, off + 512 + size) });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Every file of the embedded database's folder, written out first (CHECKPOINT), as one dump. */
async function pgliteFiles(db: Database): Promise<{ name: string; data: Buffer }[]> {
  await db.system((q) => q.query('CHECKPOINT'));
  const pg = (db as Database & { pg: PGlite }).pg;
  return tarEntries(Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer()));
}

/** Tables (every schema but the catalogue, plus the planner's statistics) whose rows, as text, hold `text` or its bytes in hex. */
async function tablesHolding(db: Database, text: string): Promise<string[]> {
  return db.system(async (q) => {
    const tables = await q.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
           -- The planner's sample values: pg_statistic itself where this role may read it (a superuser),
           -- and always the pg_stats view, which shows them for the tables this role owns (as in CI).
           OR c.oid = 'pg_catalog.pg_statistic'::regclass AND has_table_privilege(c.oid, 'SELECT')
           OR c.oid = 'pg_catalog.pg_stats'::regclass
        ORDER BY 1`,
    );
    expect(tables.length).toBeGreaterThan(40);
    const hits: string[] = [];
    for (const t of tables) {
      const [r] = await q.query<{ n: number }>(
        `SELECT count(*) AS n FROM ${t.name} t WHERE strpos(t::text, $1) > 0 OR strpos(t::text, encode(convert_to($1, 'UTF8'), 'hex')) > 0`,
        [text],
      );
      if ((r?.n ?? 0) > 0) hits.push(t.name);
    }
    return hits;
  });
}

/** Where `text` is found in the stored data: file names on PGlite (the WAL left out with `withoutWal`), tables on PostgreSQL. */
async function foundIn(text: string, withoutWal = false): Promise<string[]> {
  if (TEST_DB === 'pg') return tablesHolding(s.db, text);
  const bytes = Buffer.from(text);
  return (await pgliteFiles(s.db)).filter((f) => !(withoutWal && f.name.includes('pg_wal/')) && f.data.includes(bytes)).map((f) => f.name);
}

describe('identity numbers at rest', () => {
  it('are stored sealed, hashed and masked: the data holds no number, yet reveal, search and edits work', async () => {
    const c = a.client;
    const created = await c.post('/api/students', student('E0001', FORM, 'Zebediah Quillfeather'));
    expect(created.status).toBe(201);
    // One number written in lower case without brackets: stored and found as the same number.
    const file = [
      HEAD,
      row('E0002', 'Araminta Fothergill', FILE_1.toLowerCase().replace(/[()]/g, '')),
      row('E0003', 'Barnaby Wicklow', FILE_2),
    ];
    const imp = await c.post('/api/imports/students/commit', { fileName: 'students.csv', contentBase64: b64(file.join('\n')) });
    expect(imp.body, JSON.stringify(imp.body)).toMatchObject({ committed: true, create: 2 });
    // The same file again changes nothing: the numbers are compared by their hashes.
    const again = await c.post('/api/imports/students/commit', { fileName: 'students.csv', contentBase64: b64(file.join('\n')) });
    expect(again.body).toMatchObject({ committed: true, create: 0, update: 0, unchanged: 2 });

    const stored = await s.db.system((q) =>
      q.query<{ reg_no: string; id_number: string | null; id_sealed: string; id_hash: string; id_masked: string }>(
        `SELECT reg_no, id_number, id_sealed, id_hash, id_masked FROM students WHERE school_id = $1 ORDER BY reg_no`,
        [a.schoolId],
      ),
    );
    expect(stored.map((r) => [r.reg_no, r.id_number, r.id_masked])).toEqual([
      ['E0001', null, 'K739***(*)'],
      ['E0002', null, 'KP581***(*)'],
      ['E0003', null, 'R906***(*)'],
    ]);
    for (const r of stored) {
      expect(r.id_sealed).toMatch(/^v1\./);
      expect(r.id_hash).toMatch(/^[0-9a-f]{64}$/);
    }

    const list = (await c.get('/api/students')).body.students as { id: string; regNo: string }[];
    const idOf = (regNo: string) => list.find((x) => x.regNo === regNo)?.id ?? '';
    expect((await c.get(`/api/students/${idOf('E0001')}`)).body.idMasked).toBe('K739***(*)');
    // Search by a whole number, in any spelling, finds its student; part of a number finds nothing.
    expect((await c.get(`/api/students?q=${encodeURIComponent(FILE_1)}`)).body.students.map((x: { regNo: string }) => x.regNo)).toEqual([
      'E0002',
    ]);
    expect((await c.get(`/api/students?q=${needle(FORM).toLowerCase()}${FORM.at(-2)}`)).body.total).toBe(1);
    expect((await c.get('/api/students?q=K739264')).body.total).toBe(0);
    const reveal = await c.post(`/api/students/${idOf('E0002')}/reveal-id`, { reason: 'checking the enrolment form' });
    expect(reveal.body.idNumber).toBe(FILE_1);

    // An edit that leaves the number out keeps it; one that changes the document type re-checks the kept number.
    const detail = (await c.get(`/api/students/${idOf('E0001')}`)).body;
    const { idNumber: _drop, ...withoutNumber } = student('E0001', FORM, 'Zebediah Quillfeather');
    expect((await c.put(`/api/students/${idOf('E0001')}`, { ...withoutNumber, leaveReason: 'none', version: detail.version })).status).toBe(
      204,
    );
    expect((await c.post(`/api/students/${idOf('E0001')}/reveal-id`, { reason: 'after the edit' })).body.idNumber).toBe(FORM);
    const asPassport = await c.put(`/api/students/${idOf('E0001')}`, { ...withoutNumber, idType: 'passport', version: detail.version + 1 });
    expect(asPassport.status).toBe(204);
    expect((await c.get(`/api/students/${idOf('E0001')}`)).body.idMasked).toBe('K73*******');
    expect((await c.post(`/api/students/${idOf('E0001')}/reveal-id`, { reason: 'after the type change' })).body.idNumber).toBe(FORM);
    const back = await c.put(`/api/students/${idOf('E0001')}`, { ...withoutNumber, version: detail.version + 2 });
    expect(back.status).toBe(204);

    // The names are in the data as written (so the search below does find what is there) …
    expect(await foundIn('Zebediah Quillfeather')).not.toEqual([]);
    expect(await foundIn('Araminta Fothergill')).not.toEqual([]);
    // … and no number is, in any form.
    for (const hkid of [FORM, FILE_1, FILE_2]) expect(await foundIn(needle(hkid)), hkid).toEqual([]);
  });

  it('refuses a second student with an HKID the school already has, by form and by file, in any spelling; another school may have it', async () => {
    const c = a.client;
    const spelled = FORM.toLowerCase().replace(/[()]/g, '');
    const dup = await c.post('/api/students', student('E0009', spelled, 'Copy Cat'));
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('id_number_taken');
    const e3 = (await c.get('/api/students?q=E0003')).body.students[0];
    const e3detail = (await c.get(`/api/students/${e3.id}`)).body;
    const taken = await c.put(`/api/students/${e3.id}`, { ...student('E0003', FILE_1, 'Barnaby Wicklow'), version: e3detail.version });
    expect(taken.body.code).toBe('id_number_taken');

    const taker = await c.post('/api/imports/students/preview', {
      fileName: 'students.csv',
      contentBase64: b64(
        [
          HEAD,
          row('E0010', 'New Person', FILE_2),
          row('E0011', 'Twin One', hkidWithCheck('Z', '111222')),
          row('E0012', 'Twin Two', hkidWithCheck('Z', '111222')),
        ].join('\n'),
      ),
    });
    expect(taker.body.issues).toEqual([
      { row: 2, column: 'id_number', value: 'R906***(*)', code: 'id_number_taken' },
      { row: 4, column: 'id_number', value: 'Z111***(*)', code: 'duplicate_in_file' },
    ]);
    // Two students may swap numbers in one file: each leaves its old number first.
    const swap = await c.post('/api/imports/students/commit', {
      fileName: 'swap.csv',
      contentBase64: b64([HEAD, row('E0002', 'Araminta Fothergill', FILE_2), row('E0003', 'Barnaby Wicklow', FILE_1)].join('\n')),
    });
    expect(swap.body.issues).toEqual([]);

    // Passports are issued by many countries: the same number twice is allowed.
    expect((await c.post('/api/students', student('E0020', 'X1234567', 'Passport One', 'passport'))).status).toBe(201);
    expect((await c.post('/api/students', student('E0021', 'X1234567', 'Passport Two', 'passport'))).status).toBe(201);

    // Another school: the same HKID is theirs to record, and its hash there is another one.
    expect((await b.client.post('/api/students', student('E0001', FORM, 'Other School Student'))).status).toBe(201);
    const hashes = await s.db.system((q) =>
      q.query<{ id_hash: string }>(`SELECT id_hash FROM students WHERE reg_no = 'E0001' AND id_masked = 'K739***(*)'`),
    );
    expect(new Set(hashes.map((h) => h.id_hash)).size).toBe(2);
  });

  it('seals numbers stored plain before, at start-up: once, when two processes do it at once, and the plain values leave the table', async () => {
    const legacy = (n: number) => hkidWithCheck('M', String(650000 + n));
    const insertPlain = (from: number, count: number) =>
      s.db.system((q) =>
        q.query(
          `INSERT INTO students (school_id, reg_no, name_en, sex, date_of_birth, id_type, id_number, entry_date, status)
           SELECT $1, 'L' || n, 'Legacy Pupil ' || n, 'M', '2013-01-01', 'hkid', x.id, '2025-09-01', 'on_roll'
           FROM unnest($2::int[], $3::text[]) AS x(n, id)`,
          [a.schoolId, Array.from({ length: count }, (_, i) => from + i), Array.from({ length: count }, (_, i) => legacy(from + i))],
        ),
      );
    const plainLeft = async () =>
      (await s.db.system((q) => q.query<{ n: number }>('SELECT count(*) AS n FROM students WHERE id_number IS NOT NULL')))[0]?.n;

    // As a server starting on a database written before migration 0016 (planner statistics included).
    await insertPlain(1, 20);
    await s.db.system((q) => q.query('ANALYZE students'));
    expect(await plainLeft()).toBe(20);
    // The search finds a number stored plain (so finding none below means something).
    expect(await foundIn(needle(legacy(7)), true)).not.toEqual([]);
    const second = await createServer({ config: s.deps.config, clock: s.clock, db: s.db, logger: pino({ level: 'silent' }) });
    await second.close();
    expect(await plainLeft()).toBe(0);

    // Two processes at once, with a plain HKID that a sealed student already has: each row sealed once.
    await insertPlain(21, 30);
    await s.db.system((q) =>
      q.query(
        `INSERT INTO students (school_id, reg_no, name_en, sex, date_of_birth, id_type, id_number, entry_date, status)
         VALUES ($1, 'L99', 'Legacy Twin', 'F', '2013-01-01', 'hkid', $2, '2025-09-01', 'on_roll')`,
        [a.schoolId, legacy(5)],
      ),
    );
    const [one, two] = await Promise.all([sealStoredIdNumbers(s.db, s.deps.serverKey), sealStoredIdNumbers(s.db, s.deps.serverKey)]);
    expect(one.sealed + two.sealed).toBe(31);
    expect([...one.duplicates, ...two.duplicates]).toEqual([{ schoolId: a.schoolId, regNo: 'L99', sameAs: 'L5' }]);
    expect(await plainLeft()).toBe(0);
    expect((await sealStoredIdNumbers(s.db, s.deps.serverKey)).sealed).toBe(0);

    // Sealed numbers read back, and are found by search.
    const c = a.client;
    const found = (await c.get(`/api/students?q=${encodeURIComponent(legacy(7))}`)).body.students as { id: string; regNo: string }[];
    expect(found.map((x) => x.regNo)).toEqual(['L7']);
    expect((await c.post(`/api/students/${found[0]?.id}/reveal-id`, { reason: 'legacy check' })).body.idNumber).toBe(legacy(7));
    expect((await c.get(`/api/students/${found[0]?.id}`)).body.idMasked).toBe('M650***(*)');

    // The legacy names are still there; the legacy numbers are not, in any table or (on PGlite) any
    // file but the write-ahead log written before the step (docs/security-model.md says so).
    expect(await foundIn('Legacy Pupil 7', true)).not.toEqual([]);
    for (const n of [1, 7, 20, 33, 50]) expect(await foundIn(needle(legacy(n)), true), legacy(n)).toEqual([]);
  });
});
