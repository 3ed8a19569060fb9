import { z } from 'zod';
import { Name } from './auth.js';

/**
 * A student's contact particulars: home address, the student's own phones and up to three
 * guardians. People without `students.contacts.read` reaching the student see them masked.
 */

/** Hong Kong's 18 districts, and a home outside Hong Kong (cross-boundary students). */
export const DISTRICTS = [
  'central_western',
  'wan_chai',
  'eastern',
  'southern',
  'yau_tsim_mong',
  'sham_shui_po',
  'kowloon_city',
  'wong_tai_sin',
  'kwun_tong',
  'kwai_tsing',
  'tsuen_wan',
  'tuen_mun',
  'yuen_long',
  'north',
  'tai_po',
  'sha_tin',
  'sai_kung',
  'islands',
  'outside_hk',
] as const;
export const District = z.enum(DISTRICTS);

export const RELATIONSHIPS = ['father', 'mother', 'grandparent', 'sibling', 'relative', 'guardian', 'other'] as const;
export const Relationship = z.enum(RELATIONSHIPS);

/** At most this many guardians per student (the import and export carry this many column groups). */
export const MAX_GUARDIANS = 3;

/**
 * After spaces, hyphens, dots and brackets are taken out: a Hong Kong number is 8 digits starting
 * 2–9, with or without +852 (or 00852); any other is + (or 00), a country code and 8–15 digits in all.
 */
export const PHONE_RE = /^(?:(?:\+|00)852)?[2-9][0-9]{7}$|^(?:\+|00)(?!852)[1-9][0-9]{7,14}$/;

/** Spaces, hyphens, dots and brackets go; so does a leading `'` (a spreadsheet's mark for text, as our CSV writes `'+44…`). */
const stripPhone = (input: string): string => input.replace(/^'/, '').replace(/[\s().-]/g, '');

/** The stored form: a Hong Kong number as its 8 digits, any other as + and its digits. */
export function normalisePhone(input: string): string | null {
  const s = stripPhone(input);
  if (!PHONE_RE.test(s)) return null;
  return s.replace(/^(?:\+|00)852/, '').replace(/^00/, '+');
}

/** How a stored number is written for people: `9123 4567`, or an overseas number as stored. */
export const formatPhone = (stored: string): string => (/^[0-9]{8}$/.test(stored) ? `${stored.slice(0, 4)} ${stored.slice(4)}` : stored);

/** A phone as typed, checked and normalised (so `+852 9123-4567` is stored as `91234567`). */
export const Phone = z
  .string()
  .trim()
  .max(30)
  .overwrite(stripPhone)
  .regex(PHONE_RE)
  .overwrite((s) => normalisePhone(s) ?? s);

/** An address line: any printable text (flats, floors, blocks and estates are written many ways). */
const Address = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(/^[^\u0000-\u001f\u007f<>]+$/);

export const GuardianFields = z.strictObject({
  nameZh: Name(100).optional(),
  nameEn: Name(100).optional(),
  relationship: Relationship,
  mobilePhone: Phone.optional(),
  otherPhone: Phone.optional(),
  email: z.email().max(254).optional(),
  emergencyContact: z.boolean().default(false),
});

/** Everything at once: what is left out is removed (a guardian not in the list is no longer one). */
export const ContactsBody = z.strictObject({
  addressZh: Address.optional(),
  addressEn: Address.optional(),
  district: District.optional(),
  homePhone: Phone.optional(),
  mobilePhone: Phone.optional(),
  guardians: z.array(GuardianFields).max(MAX_GUARDIANS).default([]),
  /** The version the form was loaded at (0 when the student had none). */
  version: z.number().int().min(0),
});

/** Masked for someone without the right: names `陳**`, phones `9123 ****`, e-mail `c***@example.com`. */
export const GuardianView = z.strictObject({
  nameZh: z.string().nullable(),
  nameEn: z.string().nullable(),
  relationship: Relationship,
  mobilePhone: z.string().nullable(),
  otherPhone: z.string().nullable(),
  email: z.string().nullable(),
  emergencyContact: z.boolean(),
});

export const ContactsView = z.strictObject({
  /** True when the values are masked: the person does not hold `students.contacts.read` for this student. */
  masked: z.boolean(),
  /** Masked: `****` when there is one (the district is shown). */
  addressZh: z.string().nullable(),
  addressEn: z.string().nullable(),
  district: District.nullable(),
  homePhone: z.string().nullable(),
  mobilePhone: z.string().nullable(),
  guardians: z.array(GuardianView),
  version: z.number().int(),
});

/** A student's emergency contact in lists: relationship and the first phone, masked without the right. */
export const EmergencyContactView = z.strictObject({
  relationship: Relationship,
  phone: z.string().nullable(),
  masked: z.boolean(),
});

// ---- Import and export ------------------------------------------------------------------------

/** Yes or no in a file (`Y`/`N`; the import also reads 是/否, yes/no). */
const YesNo = z.enum(['Y', 'N']).optional();

/**
 * The contact columns of the student import, flat: guardian n's fields are `g<n>…` (the columns in
 * `import-columns.ts`). Each cell is checked as the form checks its field.
 */
export const ContactImportFields = z.strictObject({
  addressZh: ContactsBody.shape.addressZh,
  addressEn: ContactsBody.shape.addressEn,
  district: ContactsBody.shape.district,
  homePhone: ContactsBody.shape.homePhone,
  mobilePhone: ContactsBody.shape.mobilePhone,
  g1NameZh: GuardianFields.shape.nameZh,
  g1NameEn: GuardianFields.shape.nameEn,
  g1Relationship: Relationship.optional(),
  g1MobilePhone: GuardianFields.shape.mobilePhone,
  g1OtherPhone: GuardianFields.shape.otherPhone,
  g1Email: GuardianFields.shape.email,
  g1Emergency: YesNo,
  g2NameZh: GuardianFields.shape.nameZh,
  g2NameEn: GuardianFields.shape.nameEn,
  g2Relationship: Relationship.optional(),
  g2MobilePhone: GuardianFields.shape.mobilePhone,
  g2OtherPhone: GuardianFields.shape.otherPhone,
  g2Email: GuardianFields.shape.email,
  g2Emergency: YesNo,
  g3NameZh: GuardianFields.shape.nameZh,
  g3NameEn: GuardianFields.shape.nameEn,
  g3Relationship: Relationship.optional(),
  g3MobilePhone: GuardianFields.shape.mobilePhone,
  g3OtherPhone: GuardianFields.shape.otherPhone,
  g3Email: GuardianFields.shape.email,
  g3Emergency: YesNo,
});

/** A guardian's fields in the flat import record, for guardian 1–3. */
export const GUARDIAN_IMPORT_FIELDS = ['NameZh', 'NameEn', 'Relationship', 'MobilePhone', 'OtherPhone', 'Email', 'Emergency'] as const;
export type ContactImport = z.infer<typeof ContactImportFields>;
export const guardianImportField = (n: number, f: (typeof GUARDIAN_IMPORT_FIELDS)[number]) => `g${n}${f}` as keyof ContactImport;
