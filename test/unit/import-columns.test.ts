import { describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS, type ImportKindName, cellValue, columnOfHeader, headerKey } from '../../src/contracts/import-columns.js';
import { classSubjectsSpec } from '../../src/server/modules/school/imports/class-subjects.js';
import { classesSpec } from '../../src/server/modules/school/imports/classes.js';
import { staffSpec } from '../../src/server/modules/school/imports/staff.js';
import { studentsSpec } from '../../src/server/modules/school/imports/students.js';

const SPECS = { students: studentsSpec, staff: staffSpec, classes: classesSpec, class_subjects: classSubjectsSpec } as const;

describe('import headers in English or Chinese', () => {
  it('a header is compared without case, spacing, dots or full-width forms', () => {
    expect(headerKey('Reg. No.')).toBe('reg_no');
    expect(headerKey(' Date of Birth ')).toBe('date_of_birth');
    expect(headerKey('ＥＭＡＩＬ')).toBe('email');
    expect(headerKey('學生 編號')).toBe('學生編號');
    expect(headerKey('學生編號 (STRN)')).toBe('學生編號(strn)');
  });
  it('each column is found by its English header, its Chinese header and its aliases, within its kind', () => {
    expect(columnOfHeader('students', 'reg_no')?.field).toBe('regNo');
    expect(columnOfHeader('students', '註冊編號')?.field).toBe('regNo');
    expect(columnOfHeader('students', '學號')?.field).toBe('classNumber');
    expect(columnOfHeader('students', 'Class No')?.field).toBe('classNumber');
    expect(columnOfHeader('students', '身份證號碼')?.field).toBe('idNumber');
    expect(columnOfHeader('classes', '班別')?.field).toBe('code');
    expect(columnOfHeader('class_subjects', '班別')?.field).toBe('classCode');
    expect(columnOfHeader('students', 'nickname')).toBeUndefined();
  });
  it('words for coded values are read as the code, in either language; anything else is left for the schema to refuse', () => {
    const sex = IMPORT_COLUMNS.students.find((c) => c.name === 'sex');
    if (!sex) throw new Error('no sex column');
    expect([cellValue(sex, '男'), cellValue(sex, '女'), cellValue(sex, 'Female'), cellValue(sex, 'M'), cellValue(sex, 'X')]).toEqual([
      'M',
      'F',
      'F',
      'M',
      'X',
    ]);
  });
  it('no header, Chinese or English or alias, names two columns of one kind', () => {
    for (const [kind, columns] of Object.entries(IMPORT_COLUMNS)) {
      const keys = columns.flatMap((c) => [c.name, c.zh, ...(c.aliases ?? [])].map((h) => headerKey(h)));
      expect(new Set(keys).size, kind).toBe(keys.length);
    }
  });
  it('every column fills a field its kind’s import reads (the schema’s or one it takes as written), so none is silently dropped', () => {
    for (const kind of Object.keys(IMPORT_COLUMNS) as ImportKindName[]) {
      const spec = SPECS[kind];
      const read = new Set([...Object.keys(spec.schema.shape), ...(spec.beside ?? [])]);
      for (const c of IMPORT_COLUMNS[kind]) expect(read.has(c.field), `${kind}.${c.name} → ${c.field}`).toBe(true);
    }
  });
});

describe('import column hints', () => {
  it('every column of every kind has a hint in both languages (the three guardians share theirs)', async () => {
    const { readFileSync } = await import('node:fs');
    for (const locale of ['en', 'zh-HK']) {
      const messages = JSON.parse(readFileSync(new URL(`../../src/web/i18n/${locale}.json`, import.meta.url), 'utf8')) as {
        importPage: { columnHints: Record<string, Record<string, string>> };
      };
      const missing = Object.entries(IMPORT_COLUMNS).flatMap(([kind, columns]) =>
        columns
          .map((c) => c.name.replace(/^guardian\d_/, 'guardian_'))
          .filter((name) => !messages.importPage.columnHints[kind]?.[name])
          .map((name) => `${locale}:${kind}.${name}`),
      );
      expect(missing).toEqual([]);
    }
  });
});
