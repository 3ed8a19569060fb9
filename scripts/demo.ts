/**
 * `npm run demo`: the system with a realistic, generated bilingual secondary school in its own data
 * folder (DEMO_DATA_DIR, default ./data-demo): S1–S6 × 5 classes × 35 students (1,050), ~90 staff
 * covering every built-in role, subjects and class subjects, and two past years of class history.
 * Nobody in it is a real person. It prints the sign-ins, then serves like `npm start`.
 */
import { generateSecret } from 'otplib';
import pino from 'pino';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/server/config.js';
import { audit } from '../src/server/core/audit/audit.js';
import { hashFor } from '../src/server/core/auth/service.js';
import { sealTotp } from '../src/server/core/auth/totp.js';
import { subKey } from '../src/server/core/crypto/secrets.js';
import { completeSetup, createSetupToken, schoolCount } from '../src/server/core/setup/service.js';
import { hkidWithCheck, strnWithCheck } from '../src/server/modules/school/identity.js';
import { importFile } from '../src/server/modules/school/service.js';
import { DataDirBusy, DataDirUnreadable } from '../src/server/core/db/data-lock.js';
import { createServer } from '../src/server/server.js';
import { CATEGORIES } from '../src/contracts/exchange.js';
import { DEFAULT_RULES, publish, putProcedure } from '../src/server/modules/exchange/service.js';

const DATA_DIR = process.env.DEMO_DATA_DIR ?? './data-demo';
const PASSWORD = 'harbour view school 2026';
const ADMIN = 'sysadmin';
const EDB_USER = 'edbofficer';
/** Sign-in names belong to an organisation: the school code (school number) goes on the login form. */
const SCHOOL_CODE = '990001';

/** A small seeded generator: the same demo school every time. */
let seed = 20260901;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

const SURNAMES = [
  ['陳', 'Chan'],
  ['李', 'Lee'],
  ['張', 'Cheung'],
  ['黃', 'Wong'],
  ['林', 'Lam'],
  ['劉', 'Lau'],
  ['吳', 'Ng'],
  ['梁', 'Leung'],
  ['何', 'Ho'],
  ['郭', 'Kwok'],
  ['馬', 'Ma'],
  ['羅', 'Law'],
  ['鄭', 'Cheng'],
  ['謝', 'Tse'],
  ['蔡', 'Choi'],
  ['楊', 'Yeung'],
  ['周', 'Chow'],
  ['徐', 'Tsui'],
  ['朱', 'Chu'],
  ['麥', 'Mak'],
] as const;
const GIVEN = [
  ['嘉', 'Ka'],
  ['欣', 'Yan'],
  ['志', 'Chi'],
  ['明', 'Ming'],
  ['偉', 'Wai'],
  ['文', 'Man'],
  ['詩', 'Sze'],
  ['婷', 'Ting'],
  ['俊', 'Chun'],
  ['傑', 'Kit'],
  ['家', 'Ka'],
  ['豪', 'Ho'],
  ['子', 'Tsz'],
  ['晴', 'Ching'],
  ['浩', 'Ho'],
  ['然', 'Yin'],
  ['穎', 'Wing'],
  ['思', 'Sze'],
  ['樂', 'Lok'],
  ['恩', 'Yan'],
] as const;
function person() {
  const [sz, se] = pick(SURNAMES);
  const [g1z, g1e] = pick(GIVEN);
  const [g2z, g2e] = pick(GIVEN);
  return { zh: `${sz}${g1z}${g2z}`, en: `${se} ${g1e} ${g2e}` };
}
const SUBJECTS = [
  ['CHI', '中國語文', 'Chinese Language', 'chinese'],
  ['ENG', '英國語文', 'English Language', 'english'],
  ['MATH', '數學', 'Mathematics', 'english'],
  ['CSD', '公民與社會發展', 'Citizenship and Social Development', 'chinese'],
  ['PHY', '物理', 'Physics', 'english'],
  ['CHEM', '化學', 'Chemistry', 'english'],
  ['BIO', '生物', 'Biology', 'english'],
  ['ECON', '經濟', 'Economics', 'mixed'],
  ['HIST', '歷史', 'History', 'english'],
  ['CHIST', '中國歷史', 'Chinese History', 'chinese'],
  ['GEOG', '地理', 'Geography', 'english'],
  ['ICT', '資訊及通訊科技', 'Information and Communication Technology', 'english'],
  ['PE', '體育', 'Physical Education', 'chinese'],
] as const;
const ROLE_PLAN: [string, number, string][] = [
  ['principal', 1, 'Principal'],
  ['vice_principal', 2, 'Vice Principal'],
  ['panel_head', 8, 'Panel Head'],
  ['system_admin', 1, 'IT Coordinator'],
  ['assistant_system_admin', 1, 'Assistant IT Coordinator'],
  ['seo', 1, 'School Executive Officer'],
  ['teacher', 66, 'Teacher'],
  ['office_staff', 6, 'Clerical Officer'],
  ['technical_support', 3, 'Technician'],
];
const csv = (rows: (string | number)[][]) => Buffer.from(rows.map((r) => r.join(',')).join('\n') + '\n');

/** The demo's first users come with TOTP set up (the printed secret goes straight into an authenticator app) and a session to act with. */
async function enrolledSession(deps: Awaited<ReturnType<typeof createServer>>['deps'], sessionToken: string, userId: string) {
  const totp = generateSecret();
  await deps.db.system((q) =>
    q.query('UPDATE users SET totp_secret = $2, mfa_enrolled_at = now() WHERE id = $1', [
      userId,
      sealTotp(subKey(deps.serverKey, 'totp'), userId, totp),
    ]),
  );
  const session = await deps.sessions.resolve(sessionToken);
  if (!session) throw new Error('no session');
  return { totp, session };
}

async function seedSchool(server: Awaited<ReturnType<typeof createServer>>) {
  const { db, clock, config, sessions, serverKey, mailer } = server.deps;
  const d = { db, clock, config, sessions, serverKey, smtpConfigured: mailer.configured };
  const { token } = await createSetupToken(db, clock);
  const setup = await completeSetup(
    d,
    {
      token,
      locale: 'zh-HK',
      school: { nameZh: '海景示範中學', nameEn: 'Harbour View Demonstration Secondary School', schoolNumber: SCHOOL_CODE },
      admin: {
        username: ADMIN,
        displayNameEn: 'Sysadmin Account',
        displayNameZh: '系統管理員',
        email: 'sysadmin@harbourview.demo.edu.hk',
        password: PASSWORD,
      },
    },
    { ip: '127.0.0.1', userAgent: 'demo' },
  );
  const [u] = await db.system((q) =>
    q.query<{ id: string; school_id: string }>('SELECT id, school_id FROM users WHERE username = $1', [ADMIN]),
  );
  if (!u) throw new Error('demo administrator missing');
  const schoolId = u.school_id;
  // The demo administrator comes with TOTP set up, so the printed secret can go straight into an authenticator app.
  const { totp, session } = await enrolledSession(server.deps, setup.sessionToken, u.id);
  const actor = {
    ...session,
    stage: 'done' as const,
    permissions: new Set([...session.permissions]),
    ownClassesOnly: new Set<string>(),
    ip: '127.0.0.1',
  };
  const sd = { db, clock, serverKey };

  // Years: two finished ones for history, and the current one.
  const years: Record<number, string> = {};
  await db.schoolTx(schoolId, async (q) => {
    for (const [y, status] of [
      [2024, 'finished'],
      [2025, 'finished'],
      [2026, 'current'],
    ] as const) {
      const [r] = await q.query<{ id: string }>(
        'INSERT INTO school_years (school_id, code, starts_on, ends_on, status) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [schoolId, `${y}/${String((y + 1) % 100).padStart(2, '0')}`, `${y}-09-01`, `${y + 1}-08-31`, status],
      );
      years[y] = r?.id ?? '';
    }
    await audit(q, clock, {
      schoolId,
      actorId: u.id,
      actorName: ADMIN,
      action: 'school.year_created',
      details: { demo: true, years: Object.keys(years) },
    });
  });

  // Staff with sign-in accounts, covering every built-in role.
  const staffRows: (string | number)[][] = [['staff_code', 'name_zh', 'name_en', 'post', 'status', 'join_date', 'email']];
  const accounts: { code: string; username: string; role: string; name: ReturnType<typeof person> }[] = [];
  let n = 0;
  for (const [role, count, post] of ROLE_PLAN) {
    for (let i = 0; i < count; i++) {
      n++;
      const code = `T${String(n).padStart(3, '0')}`;
      const name = person();
      staffRows.push([
        code,
        name.zh,
        name.en,
        post,
        'serving',
        `20${String(10 + (n % 15)).padStart(2, '0')}-09-01`,
        `${code.toLowerCase()}@harbourview.demo.edu.hk`,
      ]);
      accounts.push({
        code,
        username: `${role === 'teacher' ? 't' : role.replace(/_/g, '').slice(0, 8)}${String(n).padStart(3, '0')}`,
        role,
        name,
      });
    }
  }
  const staff = await importFile(sd, actor, 'staff', 'demo-staff.csv', csv(staffRows), true);
  if (!staff.committed) throw new Error(`demo staff import failed: ${JSON.stringify(staff.issues.slice(0, 3))}`);
  const hash = await hashFor(d, PASSWORD);
  await db.schoolTx(schoolId, async (q) => {
    const roles = new Map(
      (await q.query<{ id: string; template_key: string }>('SELECT id, template_key FROM roles')).map((r) => [r.template_key, r.id]),
    );
    for (const a of accounts) {
      const [user] = await q.query<{ id: string }>(
        `INSERT INTO users (school_id, username, display_name_zh, display_name_en, email, password_hash, password_changed_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, now(), now()) RETURNING id`,
        [schoolId, a.username, a.name.zh, a.name.en, `${a.code.toLowerCase()}@harbourview.demo.edu.hk`, hash],
      );
      await q.query('INSERT INTO user_roles (school_id, user_id, role_id, granted_at) VALUES ($1, $2, $3, now())', [
        schoolId,
        user?.id,
        roles.get(a.role),
      ]);
      await q.query('UPDATE staff SET user_id = $2 WHERE staff_code = $1', [a.code, user?.id]);
    }
    await audit(q, clock, {
      schoolId,
      actorId: u.id,
      actorName: ADMIN,
      action: 'users.created',
      details: { demo: true, count: accounts.length },
    });
  });

  // Subjects, classes (with class teachers) and class subjects in the current year.
  await db.schoolTx(schoolId, async (q) => {
    for (const [code, zh, en] of SUBJECTS)
      await q.query('INSERT INTO subjects (school_id, code, name_zh, name_en) VALUES ($1, $2, $3, $4)', [schoolId, code, zh, en]);
  });
  const teacherCodes = accounts.filter((a) => a.role === 'teacher' || a.role === 'panel_head').map((a) => a.code);
  const classRows: (string | number)[][] = [['code', 'level', 'name_zh', 'name_en', 'class_teachers']];
  const csRows: (string | number)[][] = [['class', 'subject_code', 'medium', 'teachers']];
  const ZH_NUM = ['一', '二', '三', '四', '五', '六'];
  const ZH_LETTER = ['甲', '乙', '丙', '丁', '戊'];
  let t = 0;
  for (let level = 1; level <= 6; level++) {
    for (let k = 0; k < 5; k++) {
      const code = `${level}${'ABCDE'[k]}`;
      classRows.push([
        code,
        `S${level}`,
        `中${ZH_NUM[level - 1]}${ZH_LETTER[k]}`,
        `Secondary ${level}${'ABCDE'[k]}`,
        `${teacherCodes[t++ % teacherCodes.length]};${teacherCodes[t++ % teacherCodes.length]}`,
      ]);
      for (const [subject, , , medium] of SUBJECTS) csRows.push([code, subject, medium, teacherCodes[t++ % teacherCodes.length] as string]);
    }
  }
  for (const [kind, rows] of [
    ['classes', classRows],
    ['class_subjects', csRows],
  ] as const) {
    const r = await importFile(sd, actor, kind, `demo-${kind}.csv`, csv(rows), true);
    if (!r.committed) throw new Error(`demo ${kind} import failed: ${JSON.stringify(r.issues.slice(0, 3))}`);
  }

  // 1,050 students: 35 per class, with their places in the two past years too.
  const studentRows: (string | number)[][] = [
    ['reg_no', 'strn', 'name_zh', 'name_en', 'sex', 'date_of_birth', 'id_type', 'id_number', 'entry_date', 'class', 'class_number'],
  ];
  const history: { regNo: string; level: number; cls: string; num: number }[] = [];
  let s = 0;
  for (let level = 1; level <= 6; level++) {
    for (let k = 0; k < 5; k++) {
      for (let num = 1; num <= 35; num++) {
        s++;
        const name = person();
        const born = 2026 - 11 - level;
        const entry = 2026 - (level - 1);
        const regNo = `${entry}${String(s).padStart(4, '0')}`;
        studentRows.push([
          regNo,
          strnWithCheck('S', String(500000 + s)),
          name.zh,
          name.en,
          rand() < 0.5 ? 'M' : 'F',
          `${born}-${String(1 + (s % 12)).padStart(2, '0')}-${String(1 + (s % 28)).padStart(2, '0')}`,
          'hkid',
          hkidWithCheck(pick(['A', 'B', 'C', 'D', 'G', 'K', 'P', 'R', 'S', 'V', 'Y', 'Z']), String(100000 + ((s * 7919) % 900000))),
          `${entry}-09-01`,
          `${level}${'ABCDE'[k]}`,
          num,
        ]);
        history.push({ regNo, level, cls: 'ABCDE'[k] as string, num });
      }
    }
  }
  const students = await importFile(sd, actor, 'students', 'demo-students.csv', csv(studentRows), true);
  if (!students.committed) throw new Error(`demo student import failed: ${JSON.stringify(students.issues.slice(0, 3))}`);
  await db.schoolTx(schoolId, async (q) => {
    for (const [y, back] of [
      [2025, 1],
      [2024, 2],
    ] as const) {
      const ids = new Map<string, string>();
      for (let level = 1; level <= 6; level++) {
        for (const letter of 'ABCDE') {
          const [c] = await q.query<{ id: string }>(
            'INSERT INTO classes (school_id, year_id, code, level, name_zh, name_en) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
            [
              schoolId,
              years[y],
              `${level}${letter}`,
              `S${level}`,
              `中${ZH_NUM[level - 1]}${ZH_LETTER['ABCDE'.indexOf(letter)]}`,
              `Secondary ${level}${letter}`,
            ],
          );
          ids.set(`${level}${letter}`, c?.id ?? '');
        }
      }
      const past = history.filter((h) => h.level - back >= 1);
      await q.query(
        `INSERT INTO student_classes (school_id, student_id, year_id, class_id, class_number, from_date, to_date)
         SELECT $1, st.id, $2, x.c, x.n, $5::date, $6::date FROM unnest($3::text[], $4::uuid[], $7::int[]) AS x(r, c, n) JOIN students st ON st.reg_no = x.r`,
        [
          schoolId,
          years[y],
          past.map((h) => h.regNo),
          past.map((h) => ids.get(`${h.level - back}${h.cls}`)),
          `${y}-09-01`,
          `${y + 1}-08-31`,
          past.map((h) => h.num),
        ],
      );
    }
  });
  const edb = await seedExchange(server, schoolId, accounts);
  return { totp, accounts, words: setup.words, edb };
}

/**
 * The Education Bureau on the same installation, with an officer and a published headcount survey
 * to the demo school; the school's procedures name the SEO (owner), a clerk (backup) and the principal (checker).
 */
async function seedExchange(
  server: Awaited<ReturnType<typeof createServer>>,
  schoolId: string,
  accounts: { username: string; role: string }[],
) {
  const { db, clock, config, sessions, serverKey, mailer } = server.deps;
  const d = { db, clock, config, sessions, serverKey, smtpConfigured: mailer.configured };
  const { token } = await createSetupToken(db, clock, 'EDB');
  const setup = await completeSetup(
    d,
    {
      token,
      locale: 'zh-HK',
      admin: {
        username: EDB_USER,
        displayNameEn: 'EDB Officer',
        displayNameZh: '教育局主任',
        email: 'officer@edb.demo.gov.hk',
        password: PASSWORD,
      },
    },
    { ip: '127.0.0.1', userAgent: 'demo' },
  );
  const [u] = await db.system((q) => q.query<{ id: string }>('SELECT id FROM users WHERE username = $1', [EDB_USER]));
  if (!u) throw new Error('demo EDB officer missing');
  const { totp, session } = await enrolledSession(server.deps, setup.sessionToken, u.id);
  const officer = { ...session, stage: 'done' as const, ip: '127.0.0.1' };
  const idOf = async (username: string | undefined) =>
    (await db.system((q) => q.query<{ id: string }>('SELECT id FROM users WHERE username = $1', [username ?? ''])))[0]?.id ?? null;
  const [seo, clerk, principal] = await Promise.all(
    ['seo', 'office_staff', 'principal'].map((r) => idOf(accounts.find((a) => a.role === r)?.username)),
  );
  const [admin] = await db.system((q) => q.query<{ id: string }>('SELECT id FROM users WHERE username = $1', [ADMIN]));
  const schoolSession = { ...officer, schoolId, userId: admin?.id ?? '', username: ADMIN };
  const xd = { db, clock, smtpConfigured: mailer.configured };
  for (const category of CATEGORIES) {
    await putProcedure(xd, schoolSession, category, {
      ownerId: seo ?? null,
      backupId: clerk ?? null,
      checkerId: principal ?? null,
      leadDays: 5,
      notes: null,
    });
  }
  const now = clock.now();
  await publish(xd, officer, {
    category: 'headcount',
    subjectCode: 'SHC',
    typeCode: 'SURVEY',
    priority: 'high',
    titleZh: '2026/27 學年實際在學人數點算',
    titleEn: 'Secondary student headcount 2026/27',
    bodyZh: '請按參考日期（2026 年 11 月 15 日）提交中一至中四學生名單及中五、中六學生人數。',
    bodyEn: 'Please return the S1–S4 student list and the S5 and S6 counts as on the reference date, 15 November 2026.',
    referenceDate: '2026-11-15',
    deadline: new Date(now.getTime() + 21 * 86_400_000).toISOString(),
    audience: { levels: ['secondary'], schoolIds: [] },
    attachments: [{ name: 'parameters.csv', contentBase64: Buffer.from('reference_date,levels\n2026-11-15,S1-S4\n').toString('base64') }],
    template: { kind: 'headcount', rules: DEFAULT_RULES.headcount ?? [] },
  });
  return { totp, words: setup.words };
}

// The web bundle, built when missing or older than its sources, by the same step `npm start` takes.
execFileSync(process.execPath, [fileURLToPath(new URL('start.mjs', import.meta.url)), '--web-only'], { stdio: 'inherit' });
const config = loadConfig({ ...process.env, DATA_DIR: DATA_DIR, SCHEDULER: process.env.SCHEDULER ?? 'true' });
const fresh = !existsSync(join(DATA_DIR, 'server.key'));
const server = await createServer({ config, logger: pino({ level: 'warn' }), purpose: 'demo' }).catch((err: unknown) => {
  // The demo folder is held by another process, or damaged: one line, no library dump.
  if (err instanceof DataDirBusy || err instanceof DataDirUnreadable) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
});
let seeded: Awaited<ReturnType<typeof seedSchool>> | undefined;
if (fresh || (await schoolCount(server.deps.db)) === 0) {
  console.log('Creating the demo school (about a minute the first time)…');
  seeded = await seedSchool(server);
}
await server.app.listen({ port: config.PORT, host: config.HOST });
server.scheduler.start();
const url = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
console.log(`\nDemo school running at ${url} (data in ${DATA_DIR})\n`);
console.log(`School code (on the sign-in form): ${SCHOOL_CODE}; every demo account's password: ${PASSWORD}`);
console.log(
  `  ${ADMIN.padEnd(12)} system administrator${seeded ? ` — TOTP secret ${seeded.totp} (add it to an authenticator app)` : ' (TOTP as set up at the first demo start)'}`,
);
if (seeded) {
  for (const role of ROLE_PLAN.map(([r]) => r)) {
    const a = seeded.accounts.find((x) => x.role === role);
    if (a) console.log(`  ${a.username.padEnd(12)} ${role.replace(/_/g, ' ')} (${a.name.en} ${a.name.zh})`);
  }
  console.log('Accounts holding security rights enrol two-factor authentication at their first sign-in.');
  // Demo only: a real school key is shown once at setup and never printed again.
  console.log(`\nSchool key (demo only): ${seeded.words.join(' ')}`);
  console.log(`\nEducation Bureau on this installation: school code EDB, ${EDB_USER} — TOTP secret ${seeded.edb.totp}`);
  console.log(`  EDB key (demo only): ${seeded.edb.words.join(' ')}`);
  console.log('  It has published a headcount survey to the demo school: see 資料交換 / Data exchange.');
}
if (process.env.DEMO_EXIT_AFTER_SEED) {
  await server.close();
  process.exit(0);
}
