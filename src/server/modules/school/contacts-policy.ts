import { formatPhone } from '../../../contracts/particulars.js';
import { type DataScope, scopeOf } from './policy.js';

/**
 * Students' contact particulars (guardians, home address, phones): who sees them in full, how they
 * are masked for everyone else, and the guardian rules. Pure functions, like `policy.ts`.
 */

// ---- Who sees them ----------------------------------------------------------------------------

/** How far a person sees contact particulars in full: nowhere (masked), their own classes, or the whole school. */
export type ContactsReach = 'none' | DataScope;

export function contactsReach(permissions: ReadonlySet<string>, ownClassesOnly: ReadonlySet<string>): ContactsReach {
  if (!permissions.has('students.contacts.read')) return 'none';
  return scopeOf(ownClassesOnly, 'students.contacts.read');
}

// ---- Masking ----------------------------------------------------------------------------------
// Enough to recognise a record on the telephone ("the mother's mobile, 9123 …"), not to call or find anyone.

/** `9123 ****`; an overseas number keeps + and its first four digits: `+4477 ****`. */
export function maskPhone(stored: string): string {
  if (/^[0-9]{8}$/.test(stored)) return `${stored.slice(0, 4)} ****`;
  return `${stored.slice(0, 5)} ****`;
}

/** The first character: `陳**`, `C**`. */
export const maskName = (name: string): string => `${[...name][0] ?? ''}**`;

/** The first character of the mailbox and the domain: `c***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 1 ? '***' : `${email.charAt(0)}***${email.slice(at)}`;
}

/** An address line is hidden whole; the district (one of 18) is shown beside it. */
export const MASKED_ADDRESS = '****';

/** A stored phone as people read it: in full (`9123 4567`) or masked. */
export const showPhone = (stored: string | null, masked: boolean): string | null =>
  stored === null ? null : masked ? maskPhone(stored) : formatPhone(stored);

// ---- Guardians ----------------------------------------------------------------------------------

/** What the guardian rules read of each guardian (as the form or an import row gives it). */
export interface GuardianFacts {
  nameZh?: string | null;
  nameEn?: string | null;
  mobilePhone?: string | null;
  otherPhone?: string | null;
  emergencyContact: boolean;
}

/**
 * A guardian has a name (Chinese or English); the emergency contact has a phone to call; at most
 * one guardian is the emergency contact (a student may have none marked yet). Paths are the form's.
 */
export function guardianProblems(guardians: readonly GuardianFacts[]): { path: string; code: string }[] {
  const problems: { path: string; code: string }[] = [];
  let emergency = 0;
  guardians.forEach((g, i) => {
    if (!g.nameZh && !g.nameEn) problems.push({ path: `/guardians/${i}/nameEn`, code: 'required' });
    if (!g.emergencyContact) return;
    if (!g.mobilePhone && !g.otherPhone) problems.push({ path: `/guardians/${i}/mobilePhone`, code: 'required' });
    if (++emergency > 1) problems.push({ path: `/guardians/${i}/emergencyContact`, code: 'one_emergency_contact' });
  });
  return problems;
}
