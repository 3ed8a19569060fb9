import { z } from 'zod';
import { type Actor, who } from '../../core/auth/actor.js';
import {
  ClassCreateBody,
  ClassSubjectCreateBody,
  type ImportIssue,
  type ImportKind,
  StaffFields,
  StudentFields,
} from '../../../contracts/school.js';
import { audit } from '../../core/audit/audit.js';
import { sha256 } from '../../core/crypto/secrets.js';
import type { Queryable } from '../../core/db/types.js';
import { AppError } from '../../core/errors.js';
import { readSheet, type Sheet } from './spreadsheet.js';
import { cleanStudent } from './students.js';
import type { SchoolDeps } from './years.js';

type Issue = z.infer<typeof ImportIssue>;
type Kind = z.infer<typeof ImportKind>;
type Fields = Record<string, unknown>;
const MAX_ROWS = 5000;
const CODE = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[0-9A-Z][0-9A-Z-]*$/)
  .max(20);
/** Staff codes separated by `;`, `,` or spaces. */
const CODES = z
  .string()
  .trim()
  .max(300)
  .regex(/^[0-9A-Za-z;,\s-]*$/)
  .optional();

/** One row of the file, checked: the record's key (reg. no., staff code …) and its clean fields. */
interface Planned {
  row: number;
  key: string;
  fields: Fields;
  action: 'create' | 'update' | 'unchanged';
  existingId?: string;
}

interface Context {
  q: Queryable;
  yearId: string | null;
  yearStatus: string | null;
  yearStart: string | null;
  classes: Map<string, string>; // code → id (current year)
  staff: Map<string, string>; // staff code → id
  subjects: Map<string, string>; // code → id
  today: string;
}

/** How each kind maps columns to fields, finds existing records and writes changes. */
interface Spec {
  columns: Record<string, string>; // column → field
  required: string[];
  schema: z.ZodType;
  keyField: string;
  /** The column a person sees the key in: a key twice in one file is reported there. */
  keyColumn: string;
  /** Rows that place records in the current year refuse the import while there is none (reported at `column`). */
  currentYear?: { column: string; needed(plans: Planned[]): boolean };
  clean?(fields: Fields, ctx: Context, issue: (column: string, code: string) => void): Fields | null;
  existing(ctx: Context): Promise<Map<string, { id: string; fields: Fields }>>;
  /** Further cross-row checks (STRNs, places taken) after each row is valid on its own. */
  crossCheck?(
    plans: Planned[],
    ctx: Context,
    existing: Map<string, { id: string; fields: Fields }>,
    issue: (row: number, column: string, value: string, code: string) => void,
  ): Promise<void>;
  apply(ctx: Context, plans: Planned[], schoolId: string): Promise<void>;
}

const STUDENT_COLUMNS: Record<string, string> = {
  reg_no: 'regNo',
  strn: 'strn',
  name_zh: 'nameZh',
  name_en: 'nameEn',
  sex: 'sex',
  date_of_birth: 'dateOfBirth',
  id_type: 'idType',
  id_number: 'idNumber',
  entry_date: 'entryDate',
  status: 'status',
  leave_date: 'leaveDate',
  leave_reason: 'leaveReason',
  class: 'classCode',
  class_number: 'classNumber',
};
const STAFF_COLUMNS: Record<string, string> = {
  staff_code: 'staffCode',
  name_zh: 'nameZh',
  name_en: 'nameEn',
  post: 'post',
  status: 'status',
  join_date: 'joinDate',
  leave_date: 'leaveDate',
  email: 'email',
};
const CLASS_COLUMNS: Record<string, string> = {
  code: 'code',
  level: 'level',
  name_zh: 'nameZh',
  name_en: 'nameEn',
  stream: 'stream',
  class_teachers: 'teacherCodes',
};
const CLASS_SUBJECT_COLUMNS: Record<string, string> = {
  class: 'classCode',
  subject_code: 'subjectCode',
  medium: 'medium',
  teachers: 'teacherCodes',
};

const same = (a: Fields, b: Fields, keys: string[]) => keys.every((k) => (a[k] ?? null) === (b[k] ?? null));
const splitCodes = (v: unknown) =>
  typeof v === 'string' && v
    ? v
        .split(/[;,\s]+/)
        .map((x) => x.trim().toUpperCase())
        .filter(Boolean)
    : [];

const specs: Record<Kind, Spec> = {
  students: {
    columns: STUDENT_COLUMNS,
    required: ['reg_no', 'name_en', 'sex', 'date_of_birth', 'id_type', 'id_number', 'entry_date'],
    schema: StudentFields,
    keyField: 'regNo',
    keyColumn: 'reg_no',
    currentYear: { column: 'class', needed: (plans) => plans.some((p) => p.fields.classId) },
    clean(f, ctx, issue) {
      let out: Fields;
      try {
        out = cleanStudent(f as never);
      } catch (err) {
        const code = err instanceof AppError ? err.code : 'invalid';
        issue(code === 'hkid_invalid' ? 'id_number' : code === 'strn_invalid' ? 'strn' : 'entry_date', code);
        return null;
      }
      const classCode = typeof f.classCode === 'string' ? f.classCode.toUpperCase() : '';
      const num = f.classNumber === undefined ? undefined : Number(f.classNumber);
      if (classCode || num !== undefined) {
        if (!classCode) return (issue('class', 'required'), null);
        if (num === undefined || !Number.isInteger(num) || num < 1 || num > 99) return (issue('class_number', 'invalid_number'), null);
        const classId = ctx.classes.get(classCode);
        if (!classId) return (issue('class', 'unknown_class'), null);
        out.classId = classId;
        out.classNumber = num;
      }
      delete out.classCode;
      return out;
    },
    async existing(ctx) {
      const rows = await ctx.q.query<Fields & { id: string; reg_no: string }>(
        `SELECT st.id, st.reg_no, st.strn, st.name_zh, st.name_en, st.sex, st.date_of_birth::text, st.id_type, st.id_number, st.entry_date::text, st.status,
                st.leave_date::text, st.leave_reason, sc.class_id, sc.class_number
         FROM students st LEFT JOIN student_classes sc ON sc.student_id = st.id AND sc.to_date IS NULL AND sc.year_id = $1`,
        [ctx.yearId],
      );
      return new Map(
        rows.map((r) => [
          r.reg_no,
          {
            id: r.id,
            fields: {
              regNo: r.reg_no,
              strn: r.strn,
              nameZh: r.name_zh,
              nameEn: r.name_en,
              sex: r.sex,
              dateOfBirth: r.date_of_birth,
              idType: r.id_type,
              idNumber: r.id_number,
              entryDate: r.entry_date,
              status: r.status,
              leaveDate: r.leave_date,
              leaveReason: r.leave_reason,
              classId: r.class_id,
              classNumber: r.class_number,
            },
          },
        ]),
      );
    },
    async crossCheck(plans, ctx, existing, issue) {
      const strns = new Map<string, string>();
      for (const [regNo, e] of existing) if (e.fields.strn) strns.set(e.fields.strn as string, regNo);
      const places = new Map<string, string>(); // class:number → reg no. (after this import)
      for (const [regNo, e] of existing) if (e.fields.classId) places.set(`${e.fields.classId}:${e.fields.classNumber}`, regNo);
      // Students placed by this file leave their old places first.
      for (const p of plans) {
        const old = existing.get(p.key)?.fields;
        if (p.fields.classId !== undefined && old?.classId) places.delete(`${old.classId}:${old.classNumber}`);
      }
      for (const p of plans) {
        const f = p.fields;
        if (f.strn) {
          const owner = strns.get(f.strn as string);
          if (owner && owner !== p.key) issue(p.row, 'strn', f.strn as string, owner === '' ? 'duplicate_in_file' : 'strn_taken');
          strns.set(f.strn as string, p.key);
        }
        if (f.classId) {
          const place = `${f.classId}:${f.classNumber}`;
          const holder = places.get(place);
          if (holder && holder !== p.key) issue(p.row, 'class_number', String(f.classNumber), 'class_number_taken');
          places.set(place, p.key);
        }
      }
    },
    async apply(ctx, plans, schoolId) {
      const fieldsOf = (f: Fields) => [
        f.regNo,
        f.strn ?? null,
        f.nameZh ?? null,
        f.nameEn,
        f.sex,
        f.dateOfBirth,
        f.idType,
        f.idNumber,
        f.entryDate,
        f.status ?? 'on_roll',
        f.leaveDate ?? null,
        f.leaveReason ?? null,
      ];
      const creates = plans.filter((p) => p.action === 'create');
      const ids = new Map<string, string>();
      if (creates.length) {
        const cols = creates.map((p) => fieldsOf(p.fields));
        const col = (i: number) => cols.map((c) => c[i] as string | null);
        const rows = await ctx.q.query<{ id: string; reg_no: string }>(
          `INSERT INTO students (school_id, reg_no, strn, name_zh, name_en, sex, date_of_birth, id_type, id_number, entry_date, status, leave_date, leave_reason)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[], $8::text[], $9::text[], $10::date[], $11::text[], $12::date[], $13::text[])
           RETURNING id, reg_no`,
          [schoolId, ...Array.from({ length: 12 }, (_, i) => col(i))],
        );
        for (const r of rows) ids.set(r.reg_no, r.id);
      }
      for (const p of plans.filter((x) => x.action === 'update' && x.existingId)) {
        ids.set(p.key, p.existingId as string);
        await ctx.q.query(
          `UPDATE students SET reg_no = $2, strn = $3, name_zh = $4, name_en = $5, sex = $6, date_of_birth = $7, id_type = $8, id_number = $9,
                  entry_date = $10, status = $11, leave_date = $12, leave_reason = $13, version = version + 1 WHERE id = $1`,
          [p.existingId, ...fieldsOf(p.fields)],
        );
      }
      for (const p of plans) if (p.existingId) ids.set(p.key, p.existingId);
      // Placements that change: close the old ones first, so numbers can be swapped within one file.
      const moves = plans.filter(
        (p) => p.fields.classId && p.action !== 'unchanged' && (p as Planned & { placementChanged?: boolean }).placementChanged !== false,
      );
      const moving = moves.filter((p) => (p as Planned & { placementChanged?: boolean }).placementChanged);
      if (moving.length && ctx.yearId) {
        await ctx.q.query(
          `UPDATE student_classes SET to_date = greatest(from_date, $3::date - 1) WHERE year_id = $1 AND to_date IS NULL AND student_id = ANY($2)`,
          [ctx.yearId, moving.map((p) => ids.get(p.key)), ctx.today],
        );
        await ctx.q.query(
          `INSERT INTO student_classes (school_id, student_id, year_id, class_id, class_number, from_date)
           SELECT $1, s, $2, c, n, f FROM unnest($3::uuid[], $4::uuid[], $5::int[], $6::date[]) AS x(s, c, n, f)`,
          [
            schoolId,
            ctx.yearId,
            moving.map((p) => ids.get(p.key)),
            moving.map((p) => p.fields.classId),
            moving.map((p) => p.fields.classNumber),
            moving.map((p) => (p.action === 'create' ? [ctx.yearStart ?? ctx.today, p.fields.entryDate as string].sort()[1] : ctx.today)),
          ],
        );
      }
    },
  },
  staff: {
    columns: STAFF_COLUMNS,
    required: ['staff_code', 'name_en'],
    schema: StaffFields,
    keyField: 'staffCode',
    keyColumn: 'staff_code',
    clean(f, _ctx, issue) {
      if (f.joinDate && f.leaveDate && (f.leaveDate as string) < (f.joinDate as string))
        return (issue('leave_date', 'dates_out_of_order'), null);
      return f;
    },
    async existing(ctx) {
      const rows = await ctx.q.query<{
        id: string;
        staff_code: string;
        name_zh: string | null;
        name_en: string;
        post: string | null;
        status: string;
        join_date: string | null;
        leave_date: string | null;
        email: string | null;
      }>('SELECT id, staff_code, name_zh, name_en, post, status, join_date::text, leave_date::text, email FROM staff');
      return new Map(
        rows.map((r) => [
          r.staff_code,
          {
            id: r.id,
            fields: {
              staffCode: r.staff_code,
              nameZh: r.name_zh,
              nameEn: r.name_en,
              post: r.post,
              status: r.status,
              joinDate: r.join_date,
              leaveDate: r.leave_date,
              email: r.email,
            },
          },
        ]),
      );
    },
    async apply(ctx, plans, schoolId) {
      for (const p of plans) {
        if (p.action === 'unchanged') continue;
        const f = p.fields;
        const v = [
          f.staffCode,
          f.nameZh ?? null,
          f.nameEn,
          f.post ?? null,
          f.status ?? 'serving',
          f.joinDate ?? null,
          f.leaveDate ?? null,
          f.email ?? null,
        ];
        if (p.action === 'create') {
          await ctx.q.query(
            'INSERT INTO staff (school_id, staff_code, name_zh, name_en, post, status, join_date, leave_date, email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
            [schoolId, ...v],
          );
        } else {
          await ctx.q.query(
            'UPDATE staff SET staff_code = $2, name_zh = $3, name_en = $4, post = $5, status = $6, join_date = $7, leave_date = $8, email = $9, version = version + 1 WHERE id = $1',
            [p.existingId, ...v],
          );
        }
      }
    },
  },
  classes: {
    columns: CLASS_COLUMNS,
    required: ['code', 'level', 'name_zh', 'name_en'],
    schema: ClassCreateBody.omit({ yearId: true, teacherIds: true }).extend({ teacherCodes: CODES }),
    keyField: 'code',
    keyColumn: 'code',
    currentYear: { column: 'code', needed: () => true },
    clean(f, ctx, issue) {
      const teacherIds = splitCodes(f.teacherCodes).map((c) => ctx.staff.get(c));
      if (teacherIds.some((t) => !t)) return (issue('class_teachers', 'unknown_staff'), null);
      const out: Fields = { ...f, teacherIds: (teacherIds as string[]).sort().join(';') };
      delete out.teacherCodes;
      return out;
    },
    async existing(ctx) {
      const rows = await ctx.q.query<{
        id: string;
        code: string;
        level: string;
        name_zh: string;
        name_en: string;
        stream: string | null;
        teachers: string | null;
      }>(
        `SELECT c.id, c.code, c.level, c.name_zh, c.name_en, c.stream,
                (SELECT string_agg(staff_id::text, ';' ORDER BY staff_id::text) FROM class_teachers t WHERE t.class_id = c.id) AS teachers
         FROM classes c WHERE c.year_id = $1`,
        [ctx.yearId],
      );
      return new Map(
        rows.map((r) => [
          r.code,
          {
            id: r.id,
            fields: { code: r.code, level: r.level, nameZh: r.name_zh, nameEn: r.name_en, stream: r.stream, teacherIds: r.teachers ?? '' },
          },
        ]),
      );
    },
    async apply(ctx, plans, schoolId) {
      for (const p of plans) {
        if (p.action === 'unchanged') continue;
        const f = p.fields;
        let id = p.existingId;
        if (p.action === 'create') {
          const [c] = await ctx.q.query<{ id: string }>(
            'INSERT INTO classes (school_id, year_id, code, level, name_zh, name_en, stream) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
            [schoolId, ctx.yearId, f.code, f.level, f.nameZh, f.nameEn, f.stream ?? null],
          );
          id = c?.id;
        } else {
          await ctx.q.query('UPDATE classes SET level = $2, name_zh = $3, name_en = $4, stream = $5 WHERE id = $1', [
            id,
            f.level,
            f.nameZh,
            f.nameEn,
            f.stream ?? null,
          ]);
          await ctx.q.query('DELETE FROM class_teachers WHERE class_id = $1', [id]);
        }
        const teachers = String(f.teacherIds ?? '')
          .split(';')
          .filter(Boolean);
        if (teachers.length)
          await ctx.q.query('INSERT INTO class_teachers (school_id, class_id, staff_id) SELECT $1, $2, t FROM unnest($3::uuid[]) AS t', [
            schoolId,
            id,
            teachers,
          ]);
      }
    },
  },
  class_subjects: {
    columns: CLASS_SUBJECT_COLUMNS,
    required: ['class', 'subject_code', 'medium'],
    schema: ClassSubjectCreateBody.omit({ classId: true, subjectId: true, teacherIds: true }).extend({
      classCode: CODE,
      subjectCode: CODE,
      teacherCodes: CODES,
    }),
    keyField: 'key',
    keyColumn: 'subject_code',
    currentYear: { column: 'class', needed: () => true },
    clean(f, ctx, issue) {
      const classId = ctx.classes.get(String(f.classCode));
      if (!classId) return (issue('class', 'unknown_class'), null);
      const subjectId = ctx.subjects.get(String(f.subjectCode));
      if (!subjectId) return (issue('subject_code', 'unknown_subject'), null);
      const teacherIds = splitCodes(f.teacherCodes).map((c) => ctx.staff.get(c));
      if (teacherIds.some((t) => !t)) return (issue('teachers', 'unknown_staff'), null);
      return {
        key: `${f.classCode}/${f.subjectCode}`,
        classId,
        subjectId,
        medium: f.medium,
        teacherIds: (teacherIds as string[]).sort().join(';'),
      };
    },
    async existing(ctx) {
      const rows = await ctx.q.query<{
        id: string;
        class_code: string;
        subject_code: string;
        class_id: string;
        subject_id: string;
        medium: string;
        teachers: string | null;
      }>(
        `SELECT cs.id, c.code AS class_code, s.code AS subject_code, cs.class_id, cs.subject_id, cs.medium,
                (SELECT string_agg(staff_id::text, ';' ORDER BY staff_id::text) FROM class_subject_teachers t WHERE t.class_subject_id = cs.id) AS teachers
         FROM class_subjects cs JOIN classes c ON c.id = cs.class_id JOIN subjects s ON s.id = cs.subject_id WHERE c.year_id = $1`,
        [ctx.yearId],
      );
      return new Map(
        rows.map((r) => [
          `${r.class_code}/${r.subject_code}`,
          {
            id: r.id,
            fields: {
              key: `${r.class_code}/${r.subject_code}`,
              classId: r.class_id,
              subjectId: r.subject_id,
              medium: r.medium,
              teacherIds: r.teachers ?? '',
            },
          },
        ]),
      );
    },
    async apply(ctx, plans, schoolId) {
      for (const p of plans) {
        if (p.action === 'unchanged') continue;
        const f = p.fields;
        let id = p.existingId;
        if (p.action === 'create') {
          const [cs] = await ctx.q.query<{ id: string }>(
            'INSERT INTO class_subjects (school_id, class_id, subject_id, medium) VALUES ($1, $2, $3, $4) RETURNING id',
            [schoolId, f.classId, f.subjectId, f.medium],
          );
          id = cs?.id;
        } else {
          await ctx.q.query('UPDATE class_subjects SET medium = $2 WHERE id = $1', [id, f.medium]);
          await ctx.q.query('DELETE FROM class_subject_teachers WHERE class_subject_id = $1', [id]);
        }
        const teachers = String(f.teacherIds ?? '')
          .split(';')
          .filter(Boolean);
        if (teachers.length)
          await ctx.q.query(
            'INSERT INTO class_subject_teachers (school_id, class_subject_id, staff_id) SELECT $1, $2, t FROM unnest($3::uuid[]) AS t',
            [schoolId, id, teachers],
          );
      }
    },
  },
};

async function context(q: Queryable, today: string): Promise<Context> {
  const [year] = await q.query<{ id: string; status: string; starts_on: string }>(
    `SELECT id, status, starts_on::text FROM school_years WHERE status = 'current'`,
  );
  const classes = year ? await q.query<{ id: string; code: string }>('SELECT id, code FROM classes WHERE year_id = $1', [year.id]) : [];
  const staff = await q.query<{ id: string; staff_code: string }>('SELECT id, staff_code FROM staff');
  const subjects = await q.query<{ id: string; code: string }>('SELECT id, code FROM subjects');
  return {
    q,
    today,
    yearId: year?.id ?? null,
    yearStatus: year?.status ?? null,
    yearStart: year?.starts_on ?? null,
    classes: new Map(classes.map((c) => [c.code, c.id])),
    staff: new Map(staff.map((s) => [s.staff_code, s.id])),
    subjects: new Map(subjects.map((s) => [s.code, s.id])),
  };
}

/** Check every row; with `commit`, write all of it in one transaction, or nothing if any row is wrong. */
export async function importFile(d: SchoolDeps, a: Actor, kind: Kind, fileName: string, file: Buffer, commit: boolean) {
  const spec = specs[kind];
  const sheet: Sheet = await readSheet(file);
  const issues: Issue[] = [];
  const fieldToColumn = Object.fromEntries(Object.entries(spec.columns).map(([c, f]) => [f, c]));
  for (const h of sheet.headers) if (!spec.columns[h]) issues.push({ row: 1, column: h, value: h, code: 'unknown_column' });
  for (const r of spec.required) if (!sheet.headers.includes(r)) issues.push({ row: 1, column: r, value: '', code: 'missing_column' });
  if (sheet.rows.length > MAX_ROWS) issues.push({ row: 0, column: '', value: String(sheet.rows.length), code: 'too_many_rows' });
  const report = (counts: { create: number; update: number; unchanged: number }, committed: boolean) => ({
    kind,
    rows: sheet.rows.length,
    ...counts,
    issues: issues.slice(0, 1000),
    committed,
  });
  // A file with wrong headers is refused as a whole: no row is looked at.
  if (issues.length) return report({ create: 0, update: 0, unchanged: 0 }, false);
  const today = new Date(d.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10); // Asia/Hong_Kong
  const run = async (q: Queryable) => {
    const ctx = await context(q, today);
    const existing = await spec.existing(ctx);
    const plans: Planned[] = [];
    sheet.rows.forEach((raw, i) => {
      const rowNo = i + 2;
      const input: Fields = {};
      for (const [col, field] of Object.entries(spec.columns)) {
        const v = raw[col];
        if (v === undefined || v === '') continue;
        input[field] = field === 'classNumber' ? (Number.isNaN(Number(v)) ? v : Number(v)) : v;
      }
      const { classCode, classNumber, teacherCodes, subjectCode, ...forSchema } = input as Fields & {
        classCode?: unknown;
        classNumber?: unknown;
        teacherCodes?: unknown;
        subjectCode?: unknown;
      };
      const toParse =
        kind === 'students'
          ? forSchema
          : kind === 'class_subjects'
            ? { ...forSchema, classCode, subjectCode, teacherCodes }
            : { ...forSchema, ...(teacherCodes !== undefined ? { teacherCodes } : {}) };
      const parsed = spec.schema.safeParse(toParse);
      if (!parsed.success) {
        for (const iss of parsed.error.issues) {
          const field = String(iss.path[0] ?? '');
          const column = fieldToColumn[field] ?? field;
          issues.push({
            row: rowNo,
            column,
            value: raw[column] ?? '',
            code: raw[column] ? (iss.code === 'invalid_value' ? 'invalid_value' : 'invalid_format') : 'required',
          });
        }
        return;
      }
      let fields: Fields = { ...(parsed.data as Fields), ...(kind === 'students' ? { classCode, classNumber } : {}) };
      if (spec.clean) {
        const cleaned = spec.clean(fields, ctx, (column, code) => issues.push({ row: rowNo, column, value: raw[column] ?? '', code }));
        if (!cleaned) return;
        fields = cleaned;
      }
      const key = String(fields[spec.keyField]);
      const prev = existing.get(key);
      const compare = Object.keys(fields).filter((k) => k !== 'classId' && k !== 'classNumber');
      const placementChanged =
        kind === 'students' &&
        fields.classId !== undefined &&
        (prev?.fields.classId !== fields.classId || prev?.fields.classNumber !== fields.classNumber);
      const action = !prev ? 'create' : same(prev.fields, fields, compare) && !placementChanged ? 'unchanged' : 'update';
      plans.push(Object.assign({ row: rowNo, key, fields, action, existingId: prev?.id } as Planned, { placementChanged }));
    });
    const seen = new Set<string>();
    for (const p of plans) {
      if (seen.has(p.key)) issues.push({ row: p.row, column: spec.keyColumn, value: p.key, code: 'duplicate_in_file' });
      seen.add(p.key);
    }
    await spec.crossCheck?.(plans, ctx, existing, (row, column, value, code) => issues.push({ row, column, value, code }));
    if (spec.currentYear?.needed(plans) && ctx.yearStatus !== 'current')
      issues.push({ row: 0, column: spec.currentYear.column, value: '', code: 'no_current_year' });
    const counts = {
      create: plans.filter((p) => p.action === 'create').length,
      update: plans.filter((p) => p.action === 'update').length,
      unchanged: plans.filter((p) => p.action === 'unchanged').length,
    };
    if (!commit || issues.length) return { counts, wrote: false };
    if (counts.create + counts.update === 0) return { counts, wrote: true };
    await spec.apply(ctx, plans, a.schoolId);
    await audit(q, d.clock, {
      ...who(a),
      action: 'school.imported',
      target: `import:${kind}`,
      details: {
        kind,
        fileName,
        sha256: sha256(file).toString('hex'),
        ...counts,
        keys: plans
          .filter((p) => p.action !== 'unchanged')
          .map((p) => p.key)
          .slice(0, 200),
      },
    });
    return { counts, wrote: true };
  };
  try {
    const r = commit
      ? await d.db.schoolTx(a.schoolId, async (q) => {
          const out = await run(q);
          if (issues.length) throw new ImportRefused();
          return out;
        })
      : await d.db.school(a.schoolId, run);
    issues.sort((x, y) => x.row - y.row);
    // A bulk load changes the tables' shape: refresh the planner's statistics now (the embedded
    // database runs no autovacuum), or lists join placements the slow way until it is done.
    if (commit && r.wrote && r.counts.create + r.counts.update > 50) {
      await d.db.system((q) =>
        q.query('ANALYZE students, student_classes, staff, classes, class_teachers, class_subjects, class_subject_teachers'),
      );
    }
    return report(r.counts, commit && r.wrote);
  } catch (err) {
    if (err instanceof ImportRefused) {
      issues.sort((x, y) => x.row - y.row);
      return report({ create: 0, update: 0, unchanged: 0 }, false);
    }
    const e = err as { code?: string; constraint?: string };
    if (e?.code === '23505') {
      issues.push({ row: 0, column: '', value: e.constraint ?? '', code: 'conflict' });
      return report({ create: 0, update: 0, unchanged: 0 }, false);
    }
    throw err;
  }
}

class ImportRefused extends Error {}
