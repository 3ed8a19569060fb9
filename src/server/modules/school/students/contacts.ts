import type { z } from 'zod';
import type { ContactsBody, ContactsView, EmergencyContactView } from '../../../../contracts/particulars.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import type { SchoolDeps } from '../common.js';
import { contactsReach, guardianProblems, showPhone } from '../contacts-policy.js';
import { toAuditedGuardian, toContactsValues, toContactsView, toEmergencyContactView, toGuardianValues } from '../contacts-views.js';
import { assertVersion } from '../policy.js';
import {
  type ContactsValues,
  findContacts,
  type GuardianValues,
  listContactsVisible,
  listEmergencyContacts,
  listGuardians,
  replaceGuardians,
  upsertContacts,
} from '../queries/contacts.js';
import { loadStudent } from './common.js';

/** The students among `ids` whose contact particulars the person sees in full (their right, and its own-classes scope). */
export function contactsVisibleTo(q: Queryable, a: Actor, ids: string[]): Promise<Set<string>> {
  return listContactsVisible(q, ids, contactsReach(a.permissions, a.ownClassesOnly), a.userId);
}

/** A student's address, phones and guardians: in full for whoever holds the right for this student, masked otherwise. */
export async function getContacts(d: SchoolDeps, a: Actor, id: string): Promise<z.infer<typeof ContactsView>> {
  return d.db.school(a.schoolId, async (q) => {
    await loadStudent(q, a, id, 'students.read');
    const hide = !(await contactsVisibleTo(q, a, [id])).has(id);
    return toContactsView(await findContacts(q, id), await listGuardians(q, [id]), hide);
  });
}

/** Each listed student's emergency contact, masked where the person does not see contacts in full. */
export async function emergencyContactsOf(
  q: Queryable,
  a: Actor,
  ids: string[],
): Promise<Map<string, z.infer<typeof EmergencyContactView>>> {
  // A page without emergency contacts costs one query; the right for the whole school needs no second one.
  const rows = await listEmergencyContacts(q, ids);
  if (!rows.length) return new Map();
  const whole = contactsReach(a.permissions, a.ownClassesOnly) === 'school';
  const visible = whole
    ? null
    : await contactsVisibleTo(
        q,
        a,
        rows.map((r) => r.student_id),
      );
  return new Map(rows.map((r) => [r.student_id, toEmergencyContactView(r, visible !== null && !visible.has(r.student_id))]));
}

/** The body as stored: absent values null. */
export const contactsValuesOf = (b: Omit<z.infer<typeof ContactsBody>, 'guardians' | 'version'>): ContactsValues => ({
  addressZh: b.addressZh ?? null,
  addressEn: b.addressEn ?? null,
  district: b.district ?? null,
  homePhone: b.homePhone ?? null,
  mobilePhone: b.mobilePhone ?? null,
});

export const guardianValuesOf = (g: z.infer<typeof ContactsBody>['guardians'][number]): GuardianValues => ({
  nameZh: g.nameZh ?? null,
  nameEn: g.nameEn ?? null,
  relationship: g.relationship,
  mobilePhone: g.mobilePhone ?? null,
  otherPhone: g.otherPhone ?? null,
  email: g.email ?? null,
  emergencyContact: g.emergencyContact,
});

const sameGuardian = (x: GuardianValues | undefined, y: GuardianValues | undefined): boolean =>
  JSON.stringify(x ?? null) === JSON.stringify(y ?? null);

/**
 * What an audit record keeps of a change of contact particulars: which fields changed, with masked
 * values only (like identity numbers, the log says that they changed, not what they are); addresses
 * by the word `changed`. Empty when nothing changed.
 */
export function contactsChanges(
  before: ContactsValues,
  after: ContactsValues,
  guardiansBefore: GuardianValues[],
  guardiansAfter: GuardianValues[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (before.addressZh !== after.addressZh) out.addressZh = 'changed';
  if (before.addressEn !== after.addressEn) out.addressEn = 'changed';
  if (before.district !== after.district) out.district = { before: before.district, after: after.district };
  for (const k of ['homePhone', 'mobilePhone'] as const)
    if (before[k] !== after[k]) out[k] = { before: showPhone(before[k], true), after: showPhone(after[k], true) };
  const guardians = [];
  for (let i = 0; i < Math.max(guardiansBefore.length, guardiansAfter.length); i++) {
    const [x, y] = [guardiansBefore[i], guardiansAfter[i]];
    if (sameGuardian(x, y)) continue;
    guardians.push({ position: i + 1, before: x ? toAuditedGuardian(x) : null, after: y ? toAuditedGuardian(y) : null });
  }
  if (guardians.length) out.guardians = guardians;
  return out;
}

/**
 * Replaces a student's address, phones and guardians. Needs `students.manage` (the route) and the
 * contacts right reaching this student: nobody edits what they may only see masked.
 */
export async function updateContacts(d: SchoolDeps, a: Actor, id: string, body: z.infer<typeof ContactsBody>): Promise<void> {
  const problems = guardianProblems(body.guardians);
  if (problems.length) throw new AppError('validation_failed', { errors: problems });
  await d.db.schoolTx(a.schoolId, async (q) => {
    const student = await loadStudent(q, a, id, 'students.manage', true);
    if (!(await contactsVisibleTo(q, a, [id])).has(id)) throw new AppError('forbidden');
    const stored = await findContacts(q, id);
    assertVersion(stored?.version ?? 0, body.version);
    const before = toContactsValues(stored);
    const after = contactsValuesOf(body);
    const guardiansBefore = (await listGuardians(q, [id])).map(toGuardianValues);
    const guardiansAfter = body.guardians.map(guardianValuesOf);
    const changed = contactsChanges(before, after, guardiansBefore, guardiansAfter);
    if (!Object.keys(changed).length) return;
    await upsertContacts(q, a.schoolId, id, after);
    await replaceGuardians(q, a.schoolId, new Map([[id, guardiansAfter]]));
    await audit(q, d.clock, {
      ...who(a),
      action: 'students.contacts_updated',
      target: `student:${id}`,
      details: { regNo: student.reg_no, ...changed },
    });
  });
}
