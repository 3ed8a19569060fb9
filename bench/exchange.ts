/**
 * `npm run bench:exchange`: data exchange at platform scale (issue 5), on PostgreSQL by default
 * (BENCH_ONLY=pglite for the embedded database).
 *  (a) the Education Bureau publishes a headcount survey to 1,000 secondary schools
 *      (content sealed once, the data key wrapped for each school's X25519 key, 1,000 deliveries and tasks)
 *  (b) the authority's progress view of that message (first page of 100, and filtered to late schools)
 *  (c) generating the headcount return of a 2,000-student school from its records
 * Targets: (a) under 5 s, (b) under 300 ms, (c) under 200 ms. Each figure is printed with its ratio to the
 * target and, for scale, to one trivial query on the same database in the same run.
 */
import { newSchoolKey } from '../src/server/core/crypto/school-key.js';
import { headcountReturn } from '../src/server/modules/school/service.js';
import { strnWithCheck } from '../src/server/modules/school/identity.js';
import { type Kind, benchSchool, label, p50 } from './helpers.js';

const SCHOOLS = Number(process.env.BENCH_SCHOOLS ?? 1000);
const STUDENTS = 2000;
const kinds: Kind[] = process.env.BENCH_ONLY ? [process.env.BENCH_ONLY as Kind] : ['pg'];

async function one(kind: Kind) {
  const b = await benchSchool(kind, {}, 'EDB');
  const db = b.server.deps.db;
  try {
    // 1,000 schools, each with a current year and one S1 class (so "secondary" finds them) and its own key.
    const t0 = performance.now();
    const keys = Array.from({ length: SCHOOLS }, () => newSchoolKey().pub);
    await db.systemTx(async (q) => {
      await q.query(
        `INSERT INTO schools (name_zh, name_en, school_number, key_box_public, key_sign_public, key_fingerprint, key_created_at, created_at)
         SELECT '學校' || n, 'School ' || n, (600000 + n)::text, x.box, x.sign, x.fp, now(), now()
         FROM unnest($1::bytea[], $2::bytea[], $3::text[]) WITH ORDINALITY AS x(box, sign, fp, n)`,
        [keys.map((k) => k.boxPublic), keys.map((k) => k.signPublic), keys.map((k) => k.fingerprint)],
      );
      await q.query(
        `INSERT INTO school_years (school_id, code, starts_on, ends_on, status) SELECT id, '2026/27', '2026-09-01', '2027-08-31', 'current' FROM schools WHERE kind = 'school'`,
      );
      await q.query(
        `INSERT INTO classes (school_id, year_id, code, level, name_zh, name_en) SELECT y.school_id, y.id, '1A', 'S1', '中一甲', 'Secondary 1A' FROM school_years y`,
      );
    });
    const [big] = await db.system((q) =>
      q.query<{ id: string; year: string }>(
        `SELECT s.id, y.id AS year FROM schools s JOIN school_years y ON y.school_id = s.id WHERE s.school_number = '600001'`,
      ),
    );
    if (!big) throw new Error('no school');
    // The 2,000-student school: S1–S6, 8 classes a level, ~42 a class, a few without an STRN and a few who left.
    await db.systemTx(async (q) => {
      await q.query(
        `INSERT INTO classes (school_id, year_id, code, level, name_zh, name_en)
         SELECT $1, $2, l || c, 'S' || l, '中' || l || c, 'Secondary ' || l || c FROM generate_series(1, 6) l, unnest(ARRAY['B','C','D','E','F','G','H','J']) c`,
        [big.id, big.year],
      );
      await q.query(
        `INSERT INTO students (school_id, reg_no, strn, name_zh, name_en, sex, date_of_birth, id_type, id_number, entry_date, status, leave_date)
         SELECT $1, 'R' || lpad(n::text, 5, '0'), CASE WHEN n % 97 = 0 THEN NULL ELSE x.strn END, '學生' || n, 'Student ' || n, CASE WHEN n % 2 = 0 THEN 'F' ELSE 'M' END,
                '2012-01-01', 'other', 'X' || n, '2026-09-01', CASE WHEN n % 151 = 0 THEN 'left' ELSE 'on_roll' END, CASE WHEN n % 151 = 0 THEN '2026-10-15'::date END
         FROM unnest($2::text[]) WITH ORDINALITY AS x(strn, n)`,
        [big.id, Array.from({ length: STUDENTS }, (_, i) => strnWithCheck('B', String(100000 + i)))],
      );
      await q.query(
        `INSERT INTO student_classes (school_id, student_id, year_id, class_id, class_number, from_date)
         SELECT $1, s.id, $2, c.id, (row_number() OVER (PARTITION BY c.id ORDER BY s.reg_no))::int, '2026-09-01'
         FROM (SELECT id, reg_no, row_number() OVER (ORDER BY reg_no) AS n FROM students WHERE school_id = $1) s
         JOIN (SELECT id, row_number() OVER (ORDER BY level, code) AS k FROM classes WHERE year_id = $2 AND code <> '1A') c ON c.k = 1 + (s.n - 1) % 48`,
        [big.id, big.year],
      );
    });
    const seedMs = performance.now() - t0;
    await db.system((q) => q.query('ANALYZE'));

    const trivial = await p50(50, () => db.system((q) => q.query('SELECT 1')));
    const deadline = new Date(Date.now() + 20 * 86_400_000).toISOString();
    const body = (n: number) => ({
      category: 'headcount',
      subjectCode: 'SHC',
      typeCode: 'SURVEY',
      priority: 'high',
      titleZh: `學生人數統計 ${n}`,
      titleEn: `Student headcount ${n}`,
      bodyZh: '請於限期前提交。',
      bodyEn: 'Please submit before the deadline.',
      referenceDate: '2026-11-15',
      deadline,
      audience: { levels: ['secondary'], schoolIds: [] },
      attachments: [{ name: 'parameters.csv', contentBase64: Buffer.from('x'.repeat(4096)).toString('base64') }],
      template: { kind: 'headcount', rules: ['required students.strn', 'unique students.strn'] },
    });
    let n = 0;
    let messageId = '';
    let recipients = 0;
    const publish = await p50(3, async () => {
      const r = await b.call('POST', '/api/authority/messages', body(++n));
      messageId = r.id;
      recipients = r.recipients;
    });
    const progress = await p50(20, () => b.call('GET', `/api/authority/messages/${messageId}`));
    const progressLate = await p50(20, () => b.call('GET', `/api/authority/messages/${messageId}?late=false&q=6005`));
    const list = await p50(20, () => b.call('GET', '/api/authority/messages'));
    let rows = 0;
    const headcount = await p50(20, () =>
      db.school(big.id, async (q) => {
        const g = await headcountReturn(q, '2026-11-15');
        rows = g.files[0]?.rows.length ?? 0;
      }),
    );
    const fmt = (ms: number, target: number) =>
      `${ms.toFixed(1).padStart(8)} ms   ${(ms / target).toFixed(3)} of the ${target} ms target   ${(ms / trivial).toFixed(0).padStart(6)}× SELECT 1`;
    console.log(
      `\n${label(kind)} — ${SCHOOLS} schools seeded in ${(seedMs / 1000).toFixed(1)} s; SELECT 1 round trip ${trivial.toFixed(2)} ms`,
    );
    console.log(
      `  (a) publish to ${recipients} schools (p50 of 3)        ${fmt(publish, 5000)}   ${(publish / recipients).toFixed(2)} ms a school`,
    );
    console.log(`  (b) progress view, first 100 of ${recipients} (p50 of 20)  ${fmt(progress, 300)}`);
    console.log(`      progress view, filtered and searched     ${fmt(progressLate, 300)}`);
    console.log(`      message list with counts (${n} messages)  ${fmt(list, 300)}`);
    console.log(`  (c) headcount of a ${STUDENTS}-student school (${rows} S1–S4 rows, p50 of 20) ${fmt(headcount, 200)}`);
  } finally {
    await b.close();
  }
}

for (const k of kinds) await one(k);
