import type { z } from 'zod';
import type { District, Relationship } from '../../../../contracts/particulars.js';
import type { Queryable } from '../../../core/db/types.js';
import type { ContactsReach } from '../contacts-policy.js';
import { OWN_CLASSES_SQL } from './students.js';

/** A student's home address and own phones (phones stored normalised: `91234567`, `+447700900123`). */
export interface ContactsRow {
  address_zh: string | null;
  address_en: string | null;
  district: z.infer<typeof District> | null;
  home_phone: string | null;
  mobile_phone: string | null;
  version: number;
}

export interface GuardianRow {
  student_id: string;
  position: number;
  name_zh: string | null;
  name_en: string | null;
  relationship: z.infer<typeof Relationship>;
  mobile_phone: string | null;
  other_phone: string | null;
  email: string | null;
  emergency_contact: boolean;
}

const GUARDIAN_COLS =
  'g.student_id, g.position, g.name_zh, g.name_en, g.relationship, g.mobile_phone, g.other_phone, g.email, g.emergency_contact';

/**
 * Whether the person sees the student's contact particulars in full, as SQL on the student's current
 * placement `sc`: the same own-classes condition as the student queries when their right is limited.
 */
function visibleSql(reach: ContactsReach, userId: string, params: unknown[]): string {
  if (reach === 'none') return 'false';
  if (reach === 'school') return 'true';
  params.push(userId);
  return `coalesce(sc.class_id IN ${OWN_CLASSES_SQL.replaceAll('$OWNER', `$${params.length}`)}, false)`;
}

const CURRENT_PLACEMENT = `LEFT JOIN student_classes sc ON sc.student_id = st.id AND sc.to_date IS NULL
  AND sc.year_id = (SELECT id FROM school_years WHERE status = 'current')`;

/** The ids among `studentIds` whose contact particulars the person sees in full. */
export async function listContactsVisible(q: Queryable, studentIds: string[], reach: ContactsReach, userId: string): Promise<Set<string>> {
  if (reach === 'none' || !studentIds.length) return new Set();
  const params: unknown[] = [studentIds];
  const visible = visibleSql(reach, userId, params);
  const rows = await q.query<{ id: string }>(
    `SELECT st.id FROM students st ${CURRENT_PLACEMENT} WHERE st.id = ANY($1) AND ${visible}`,
    params,
  );
  return new Set(rows.map((r) => r.id));
}

export async function findContacts(q: Queryable, studentId: string): Promise<ContactsRow | undefined> {
  const [r] = await q.query<ContactsRow>(
    'SELECT address_zh, address_en, district, home_phone, mobile_phone, version FROM student_contacts WHERE student_id = $1',
    [studentId],
  );
  return r;
}

/** The contacts of many students (an export), by student id. */
export async function listContactsOf(q: Queryable, studentIds: string[]): Promise<Map<string, ContactsRow>> {
  if (!studentIds.length) return new Map();
  const rows = await q.query<ContactsRow & { student_id: string }>(
    'SELECT student_id, address_zh, address_en, district, home_phone, mobile_phone, version FROM student_contacts WHERE student_id = ANY($1)',
    [studentIds],
  );
  return new Map(rows.map((r) => [r.student_id, r]));
}

/** Guardians of the students, in their order. */
export async function listGuardians(q: Queryable, studentIds: string[]): Promise<GuardianRow[]> {
  if (!studentIds.length) return [];
  return q.query<GuardianRow>(
    `SELECT ${GUARDIAN_COLS} FROM student_guardians g WHERE g.student_id = ANY($1) ORDER BY g.student_id, g.position`,
    [studentIds],
  );
}

/** Each student's emergency contact (a student with none marked has no row). */
export async function listEmergencyContacts(q: Queryable, studentIds: string[]): Promise<GuardianRow[]> {
  if (!studentIds.length) return [];
  return q.query<GuardianRow>(`SELECT ${GUARDIAN_COLS} FROM student_guardians g WHERE g.student_id = ANY($1) AND g.emergency_contact`, [
    studentIds,
  ]);
}

/** The address and phones as written (absent values null). */
export interface ContactsValues {
  addressZh: string | null;
  addressEn: string | null;
  district: z.infer<typeof District> | null;
  homePhone: string | null;
  mobilePhone: string | null;
}

/** Writes the address and phones and moves the version on (first write: version 1). */
export async function upsertContacts(q: Queryable, schoolId: string, studentId: string, c: ContactsValues): Promise<void> {
  await q.query(
    `INSERT INTO student_contacts (school_id, student_id, address_zh, address_en, district, home_phone, mobile_phone)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (school_id, student_id) DO UPDATE SET address_zh = $3, address_en = $4, district = $5, home_phone = $6, mobile_phone = $7,
       version = student_contacts.version + 1`,
    [schoolId, studentId, c.addressZh, c.addressEn, c.district, c.homePhone, c.mobilePhone],
  );
}

export interface GuardianValues {
  nameZh: string | null;
  nameEn: string | null;
  relationship: z.infer<typeof Relationship>;
  mobilePhone: string | null;
  otherPhone: string | null;
  email: string | null;
  emergencyContact: boolean;
}

/** The students' guardians become exactly these (positions 1, 2, 3 in the order given). */
export async function replaceGuardians(q: Queryable, schoolId: string, byStudent: Map<string, GuardianValues[]>): Promise<void> {
  const studentIds = [...byStudent.keys()];
  if (!studentIds.length) return;
  await q.query('DELETE FROM student_guardians WHERE student_id = ANY($1)', [studentIds]);
  const rows = [...byStudent].flatMap(([studentId, gs]) => gs.map((g, i) => ({ studentId, position: i + 1, ...g })));
  if (!rows.length) return;
  await q.query(
    `INSERT INTO student_guardians (school_id, student_id, position, name_zh, name_en, relationship, mobile_phone, other_phone, email, emergency_contact)
     SELECT $1, * FROM unnest($2::uuid[], $3::smallint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::boolean[])`,
    [
      schoolId,
      rows.map((r) => r.studentId),
      rows.map((r) => r.position),
      rows.map((r) => r.nameZh),
      rows.map((r) => r.nameEn),
      rows.map((r) => r.relationship),
      rows.map((r) => r.mobilePhone),
      rows.map((r) => r.otherPhone),
      rows.map((r) => r.email),
      rows.map((r) => r.emergencyContact),
    ],
  );
}
