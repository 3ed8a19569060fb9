/**
 * The columns of each kind of import file, in both languages. The export writes these headers in the
 * person's language, the template offers them, and the import accepts either language (and the
 * aliases), so a file exported in Chinese imports as it is. A new column is one entry here plus its
 * field in the kind's import spec (`src/server/modules/school/imports/<kind>.ts`).
 */
export type ImportKindName = 'students' | 'staff' | 'classes' | 'class_subjects';

/** Which headers a file is written with: English (`reg_no`) or Chinese (`註冊編號`). */
export type HeaderLanguage = 'en' | 'zh';

export interface ImportColumnSpec {
  /** The English header, as the export and the English template write it (lower case, `_` between words). */
  name: string;
  /** The Chinese header, as the export and the Chinese template write it. */
  zh: string;
  /** Other headers offices write for the same column (either language). */
  aliases?: readonly string[];
  /** The record's field the column fills (the import spec's schema field). */
  field: string;
  /**
   * `key`: names the record; every file must have it. `new`: needed to create a record (a file
   * without it may still update records, which keep what is stored). Absent: optional.
   */
  required?: 'key' | 'new';
  /** Values written in words, in either language, read as the code the record stores (`男` → `M`). */
  values?: Readonly<Record<string, string>>;
}

const SEX = { 男: 'M', 女: 'F', male: 'M', female: 'F' };
const STUDENT_STATUS = { 在學: 'on_roll', 在讀: 'on_roll', 已離校: 'left', 離校: 'left', 已畢業: 'graduated', 畢業: 'graduated' };
const ID_TYPE = { 香港身份證: 'hkid', 身份證: 'hkid', 護照: 'passport', 其他: 'other' };
const STAFF_STATUS = { 在職: 'serving', 休假: 'on_leave', 放假: 'on_leave', 離職: 'left', 已離職: 'left' };
const MEDIUM = { 中文: 'chinese', 英文: 'english', 混合: 'mixed', 中英混合: 'mixed' };

export const IMPORT_COLUMNS: Record<ImportKindName, readonly ImportColumnSpec[]> = {
  students: [
    { name: 'reg_no', zh: '註冊編號', aliases: ['學生註冊編號', 'registration_no', 'reg_number'], field: 'regNo', required: 'key' },
    { name: 'strn', zh: '學生編號', aliases: ['學生編號(strn)', 'strn編號'], field: 'strn' },
    { name: 'name_zh', zh: '中文姓名', aliases: ['chinese_name'], field: 'nameZh' },
    { name: 'name_en', zh: '英文姓名', aliases: ['english_name'], field: 'nameEn', required: 'new' },
    { name: 'sex', zh: '性別', aliases: ['gender'], field: 'sex', required: 'new', values: SEX },
    { name: 'date_of_birth', zh: '出生日期', aliases: ['dob', 'birth_date'], field: 'dateOfBirth', required: 'new' },
    { name: 'id_type', zh: '身份證明文件類別', aliases: ['證件類別'], field: 'idType', required: 'new', values: ID_TYPE },
    { name: 'id_number', zh: '身份證明文件號碼', aliases: ['身份證號碼', '證件號碼', 'hkid'], field: 'idNumber', required: 'new' },
    { name: 'entry_date', zh: '入學日期', field: 'entryDate', required: 'new' },
    { name: 'status', zh: '狀況', aliases: ['學生狀況'], field: 'status', values: STUDENT_STATUS },
    { name: 'leave_date', zh: '離校日期', field: 'leaveDate' },
    { name: 'leave_reason', zh: '離校原因', field: 'leaveReason' },
    { name: 'class', zh: '班別', aliases: ['class_code', '班別代號'], field: 'classCode' },
    { name: 'class_number', zh: '學號', aliases: ['class_no', '班號'], field: 'classNumber' },
  ],
  staff: [
    { name: 'staff_code', zh: '教職員代號', aliases: ['職員代號'], field: 'staffCode', required: 'key' },
    { name: 'name_zh', zh: '中文姓名', aliases: ['chinese_name'], field: 'nameZh' },
    { name: 'name_en', zh: '英文姓名', aliases: ['english_name'], field: 'nameEn', required: 'new' },
    { name: 'post', zh: '職位', field: 'post' },
    { name: 'status', zh: '狀況', field: 'status', values: STAFF_STATUS },
    { name: 'join_date', zh: '入職日期', field: 'joinDate' },
    { name: 'leave_date', zh: '離職日期', field: 'leaveDate' },
    { name: 'email', zh: '電郵地址', aliases: ['電郵', 'e_mail'], field: 'email' },
  ],
  classes: [
    { name: 'code', zh: '班別代號', aliases: ['class', '班別'], field: 'code', required: 'key' },
    { name: 'level', zh: '級別', field: 'level', required: 'new' },
    { name: 'name_zh', zh: '中文名稱', field: 'nameZh', required: 'new' },
    { name: 'name_en', zh: '英文名稱', field: 'nameEn', required: 'new' },
    { name: 'stream', zh: '組別', field: 'stream' },
    { name: 'class_teachers', zh: '班主任', field: 'teacherCodes' },
  ],
  class_subjects: [
    { name: 'class', zh: '班別', aliases: ['class_code', '班別代號'], field: 'classCode', required: 'key' },
    { name: 'subject_code', zh: '科目代號', field: 'subjectCode', required: 'key' },
    { name: 'medium', zh: '教學語言', field: 'medium', required: 'new', values: MEDIUM },
    { name: 'teachers', zh: '任教老師', field: 'teacherCodes' },
  ],
};

/**
 * The form a header is compared in: full-width letters and brackets as half-width, lower case,
 * spaces, dots, hyphens and slashes as `_` (`Reg. No.` is `reg_no`); Chinese loses its spaces.
 */
export function headerKey(header: string): string {
  return header
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s.\-/]+/g, '_')
    .replace(/_*([()])_*/g, '$1')
    .replace(/^_+|_+$/g, '')
    .replace(/(?<=[\u0080-\uffff])_|_(?=[\u0080-\uffff])/g, '');
}

/** The column a header names in a kind's file, in either language; undefined for an unknown header. */
export function columnOfHeader(kind: ImportKindName, header: string): ImportColumnSpec | undefined {
  const key = headerKey(header);
  return IMPORT_COLUMNS[kind].find((c) => [c.name, c.zh, ...(c.aliases ?? [])].some((h) => headerKey(h) === key));
}

/** The header of a column in the language a file is written in. */
export const headerOf = (column: ImportColumnSpec, lang: HeaderLanguage): string => (lang === 'zh' ? column.zh : column.name);

/** A cell's value as the record stores it: a word in either language becomes its code (`女` → `F`). */
export function cellValue(column: ImportColumnSpec, text: string): string {
  if (!column.values) return text;
  const word = text.normalize('NFKC').trim().toLowerCase();
  return Object.entries(column.values).find(([w]) => w.toLowerCase() === word)?.[1] ?? text;
}
