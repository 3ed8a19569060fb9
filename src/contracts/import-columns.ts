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

const DISTRICT = {
  中西區: 'central_western',
  中西: 'central_western',
  'central and western': 'central_western',
  灣仔區: 'wan_chai',
  灣仔: 'wan_chai',
  'wan chai': 'wan_chai',
  東區: 'eastern',
  南區: 'southern',
  油尖旺區: 'yau_tsim_mong',
  油尖旺: 'yau_tsim_mong',
  'yau tsim mong': 'yau_tsim_mong',
  深水埗區: 'sham_shui_po',
  深水埗: 'sham_shui_po',
  'sham shui po': 'sham_shui_po',
  九龍城區: 'kowloon_city',
  九龍城: 'kowloon_city',
  'kowloon city': 'kowloon_city',
  黃大仙區: 'wong_tai_sin',
  黃大仙: 'wong_tai_sin',
  'wong tai sin': 'wong_tai_sin',
  觀塘區: 'kwun_tong',
  觀塘: 'kwun_tong',
  'kwun tong': 'kwun_tong',
  葵青區: 'kwai_tsing',
  葵青: 'kwai_tsing',
  'kwai tsing': 'kwai_tsing',
  荃灣區: 'tsuen_wan',
  荃灣: 'tsuen_wan',
  'tsuen wan': 'tsuen_wan',
  屯門區: 'tuen_mun',
  屯門: 'tuen_mun',
  'tuen mun': 'tuen_mun',
  元朗區: 'yuen_long',
  元朗: 'yuen_long',
  'yuen long': 'yuen_long',
  北區: 'north',
  大埔區: 'tai_po',
  大埔: 'tai_po',
  'tai po': 'tai_po',
  沙田區: 'sha_tin',
  沙田: 'sha_tin',
  'sha tin': 'sha_tin',
  西貢區: 'sai_kung',
  西貢: 'sai_kung',
  'sai kung': 'sai_kung',
  離島區: 'islands',
  離島: 'islands',
  香港以外: 'outside_hk',
  'outside hong kong': 'outside_hk',
};
const RELATIONSHIP = {
  父親: 'father',
  父: 'father',
  母親: 'mother',
  母: 'mother',
  祖父母: 'grandparent',
  祖父: 'grandparent',
  祖母: 'grandparent',
  外祖父: 'grandparent',
  外祖母: 'grandparent',
  grandfather: 'grandparent',
  grandmother: 'grandparent',
  兄弟姊妹: 'sibling',
  兄: 'sibling',
  弟: 'sibling',
  姊: 'sibling',
  姐: 'sibling',
  妹: 'sibling',
  brother: 'sibling',
  sister: 'sibling',
  其他親屬: 'relative',
  親屬: 'relative',
  'other relative': 'relative',
  監護人: 'guardian',
  法定監護人: 'guardian',
  'legal guardian': 'guardian',
  其他: 'other',
};
const YES_NO = { 是: 'Y', 否: 'N', yes: 'Y', no: 'N', true: 'Y', false: 'N' };

/** Guardian n's columns (1–3): `guardian1_name_zh` / `監護人1中文姓名` … filling `g1NameZh` … */
const guardianColumns = (n: number): ImportColumnSpec[] => [
  { name: `guardian${n}_name_zh`, zh: `監護人${n}中文姓名`, field: `g${n}NameZh` },
  { name: `guardian${n}_name_en`, zh: `監護人${n}英文姓名`, field: `g${n}NameEn` },
  {
    name: `guardian${n}_relationship`,
    zh: `監護人${n}關係`,
    aliases: [`監護人${n}與學生關係`],
    field: `g${n}Relationship`,
    values: RELATIONSHIP,
  },
  { name: `guardian${n}_mobile_phone`, zh: `監護人${n}手提電話`, aliases: [`guardian${n}_mobile`], field: `g${n}MobilePhone` },
  { name: `guardian${n}_other_phone`, zh: `監護人${n}其他電話`, field: `g${n}OtherPhone` },
  { name: `guardian${n}_email`, zh: `監護人${n}電郵`, aliases: [`監護人${n}電郵地址`], field: `g${n}Email` },
  {
    name: `guardian${n}_emergency_contact`,
    zh: `監護人${n}緊急聯絡人`,
    aliases: [`guardian${n}_emergency`],
    field: `g${n}Emergency`,
    values: YES_NO,
  },
];

/** The student's contact particulars (issue 10 item 9): home address, phones, up to three guardians. */
export const CONTACT_COLUMNS: readonly ImportColumnSpec[] = [
  { name: 'address_zh', zh: '中文地址', aliases: ['住址(中文)', '地址(中文)'], field: 'addressZh' },
  { name: 'address_en', zh: '英文地址', aliases: ['住址(英文)', '地址(英文)'], field: 'addressEn' },
  { name: 'district', zh: '地區', aliases: ['居住地區'], field: 'district', values: DISTRICT },
  { name: 'home_phone', zh: '住宅電話', aliases: ['家居電話'], field: 'homePhone' },
  { name: 'mobile_phone', zh: '學生手提電話', aliases: ['student_mobile_phone'], field: 'mobilePhone' },
  ...guardianColumns(1),
  ...guardianColumns(2),
  ...guardianColumns(3),
];

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
    ...CONTACT_COLUMNS,
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
