import type { z } from 'zod';
import { CONTACT_COLUMNS, cellValue } from '../../../../contracts/import-columns.js';
import { type ContactImport, GUARDIAN_IMPORT_FIELDS, guardianImportField, MAX_GUARDIANS } from '../../../../contracts/particulars.js';
import type { ImportIssue } from '../../../../contracts/school.js';
import type { Queryable } from '../../../core/db/types.js';
import { guardianProblems } from '../contacts-policy.js';
import {
  type ContactsRow,
  type ContactsValues,
  type GuardianRow,
  type GuardianValues,
  listContactsOf,
  listGuardians,
  replaceGuardians,
  upsertContacts,
} from '../queries/contacts.js';
import type { Sheet } from '../spreadsheet.js';
import type { Columns } from './columns.js';
import type { CellIssue } from './spec.js';

/**
 * The contact columns of the student import: the address, the student's phones and guardians 1–3,
 * flat (`g1NameZh` …). Guardians are kept in order without gaps (a file's guardian 2 with an empty
 * guardian 1 is the student's first), so what is compared is what would be stored.
 */

type Flat = Partial<ContactImport>;
const FIELD_COLUMN: Record<(typeof GUARDIAN_IMPORT_FIELDS)[number], string> = {
  NameZh: 'name_zh',
  NameEn: 'name_en',
  Relationship: 'relationship',
  MobilePhone: 'mobile_phone',
  OtherPhone: 'other_phone',
  Email: 'email',
  Emergency: 'emergency_contact',
};
const column = (n: number, f: (typeof GUARDIAN_IMPORT_FIELDS)[number]) => `guardian${n}_${FIELD_COLUMN[f]}`;

/** The guardians a flat record holds, in order, each with the file's number (1–3). */
function guardiansOf(flat: Flat): { n: number; g: GuardianValues | null; filled: boolean }[] {
  const out = [];
  for (let n = 1; n <= MAX_GUARDIANS; n++) {
    const v = (f: (typeof GUARDIAN_IMPORT_FIELDS)[number]) => flat[guardianImportField(n, f)] ?? null;
    const filled = GUARDIAN_IMPORT_FIELDS.some((f) => f !== 'Emergency' && v(f) !== null);
    const relationship = flat[`g${n}Relationship` as 'g1Relationship'];
    out.push({
      n,
      filled,
      g: relationship
        ? {
            nameZh: v('NameZh'),
            nameEn: v('NameEn'),
            relationship,
            mobilePhone: v('MobilePhone'),
            otherPhone: v('OtherPhone'),
            email: v('Email'),
            emergencyContact: v('Emergency') === 'Y',
          }
        : null,
    });
  }
  return out;
}

/** Guardians as the flat record stores them: 1, 2, 3 in order, emergency as `Y` or absent. */
function flatGuardians(gs: GuardianValues[]): Flat {
  const flat: Record<string, string | undefined> = {};
  gs.forEach((g, i) => {
    const n = i + 1;
    flat[`g${n}NameZh`] = g.nameZh ?? undefined;
    flat[`g${n}NameEn`] = g.nameEn ?? undefined;
    flat[`g${n}Relationship`] = g.relationship;
    flat[`g${n}MobilePhone`] = g.mobilePhone ?? undefined;
    flat[`g${n}OtherPhone`] = g.otherPhone ?? undefined;
    flat[`g${n}Email`] = g.email ?? undefined;
    flat[`g${n}Emergency`] = g.emergencyContact ? 'Y' : undefined;
  });
  return flat;
}

/** A stored student's contacts as the import's flat fields (what a column left out keeps, and what rows are compared with). */
export function storedContactFields(c: ContactsRow | undefined, guardians: GuardianRow[]): Flat {
  return {
    addressZh: c?.address_zh ?? undefined,
    addressEn: c?.address_en ?? undefined,
    district: c?.district ?? undefined,
    homePhone: c?.home_phone ?? undefined,
    mobilePhone: c?.mobile_phone ?? undefined,
    ...flatGuardians(
      guardians.map((g) => ({
        nameZh: g.name_zh,
        nameEn: g.name_en,
        relationship: g.relationship,
        mobilePhone: g.mobile_phone,
        otherPhone: g.other_phone,
        email: g.email,
        emergencyContact: g.emergency_contact,
      })),
    ),
  };
}

/** Every stored student's contacts, by student id, as flat fields. */
export async function listStoredContactFields(q: Queryable, studentIds: string[]): Promise<Map<string, Flat>> {
  const [contacts, guardians] = await Promise.all([listContactsOf(q, studentIds), listGuardians(q, studentIds)]);
  const byStudent = new Map<string, GuardianRow[]>();
  for (const g of guardians) byStudent.set(g.student_id, [...(byStudent.get(g.student_id) ?? []), g]);
  return new Map(studentIds.map((id) => [id, storedContactFields(contacts.get(id), byStudent.get(id) ?? [])]));
}

/**
 * The guardian rules of the form, per row: a guardian with anything written needs a relationship
 * and a name; the emergency contact a phone; one emergency contact. Returns the row's contact fields
 * (only those) with the guardians closed up (no gaps) and `N` dropped, as they would be stored.
 */
export function cleanContactFields(row: Flat, issue: CellIssue): Flat {
  const gs = guardiansOf(row);
  for (const { n, g, filled } of gs) {
    if (!g && (filled || row[guardianImportField(n, 'Emergency')] === 'Y')) issue(column(n, 'Relationship'), 'required');
  }
  const present = gs.filter((x): x is { n: number; g: GuardianValues; filled: boolean } => x.g !== null);
  for (const p of guardianProblems(present.map((x) => x.g))) {
    const m = /^\/guardians\/(\d+)\/(\w+)$/.exec(p.path);
    const at = m ? present[Number(m[1])] : undefined;
    if (!m || !at) continue;
    const field = m[2] === 'nameEn' ? 'NameEn' : m[2] === 'mobilePhone' ? 'MobilePhone' : 'Emergency';
    issue(column(at.n, field), p.code);
  }
  // Every guardian field is set (undefined where no guardian is), so it replaces what the row had.
  const out: Record<string, string | undefined> = {};
  for (let n = 1; n <= MAX_GUARDIANS; n++) for (const f of GUARDIAN_IMPORT_FIELDS) out[guardianImportField(n, f)] = undefined;
  const { addressZh, addressEn, district, homePhone, mobilePhone } = row;
  return { ...(out as Flat), addressZh, addressEn, district, homePhone, mobilePhone, ...flatGuardians(present.map((x) => x.g)) };
}

/** The address and phones, and the guardians, of a clean flat record. */
export function contactsOfFields(f: Flat): { contacts: ContactsValues; guardians: GuardianValues[] } {
  return {
    contacts: {
      addressZh: f.addressZh ?? null,
      addressEn: f.addressEn ?? null,
      district: f.district ?? null,
      homePhone: f.homePhone ?? null,
      mobilePhone: f.mobilePhone ?? null,
    },
    guardians: guardiansOf(f).flatMap((x) => (x.g ? [x.g] : [])),
  };
}

const sameContacts = (a: Flat, b: Flat): boolean => JSON.stringify(contactsOfFields(a)) === JSON.stringify(contactsOfFields(b));

/** Writes the contacts of the students whose rows change them (a new student with none writes nothing). */
export async function applyContactFields(
  q: Queryable,
  schoolId: string,
  rows: { studentId: string; fields: Flat; stored: Flat | undefined }[],
): Promise<void> {
  const changed = rows.filter((r) => !sameContacts(r.fields, r.stored ?? {}));
  for (const r of changed) await upsertContacts(q, schoolId, r.studentId, contactsOfFields(r.fields).contacts);
  if (changed.length) await replaceGuardians(q, schoolId, new Map(changed.map((r) => [r.studentId, contactsOfFields(r.fields).guardians])));
}

/**
 * For someone who does not see contacts in full across the school: the contact columns are read as
 * left out (every student keeps what is stored), so their masked export comes back in unchanged. A
 * cell that is neither blank, nor masked (has a `*`), nor what their export shows in full (the
 * district, a relationship, the emergency mark; every cell of a student whose contacts they see in
 * full, `inFull`) is refused: they may not write contacts. A stored phone, name or address is never
 * compared for anyone else, or a preview would tell whether a guessed number is the stored one.
 */
export function withholdContactColumns(
  sheet: Sheet,
  cols: Columns,
  stored: (regNo: string) => { id: string; fields: Record<string, unknown> } | undefined,
  inFull: ReadonlySet<string>,
  issues: z.infer<typeof ImportIssue>[],
): Columns {
  const headerOf = new Map(cols.headerOf);
  const specOf = new Map(cols.specOf);
  const keyHeader = cols.headerOf.get('regNo');
  for (const c of CONTACT_COLUMNS) {
    const header = headerOf.get(c.field);
    if (header === undefined) continue;
    sheet.rows.forEach((raw, i) => {
      const text = raw[header] ?? '';
      if (text === '' || text.includes('*')) return;
      const record = keyHeader === undefined ? undefined : stored((raw[keyHeader] ?? '').trim().toUpperCase());
      const shownInFull = !!record && (c.values !== undefined || inFull.has(record.id));
      if (record && shownInFull && cellValue(c, text) === record.fields[c.field]) return;
      issues.push({ row: i + 2, column: header, value: '', code: 'contacts_not_permitted' });
    });
    headerOf.delete(c.field);
    specOf.delete(c.field);
  }
  return { ...cols, headerOf, specOf };
}
