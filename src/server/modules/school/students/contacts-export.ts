import { CONTACT_COLUMNS } from '../../../../contracts/import-columns.js';
import { MAX_GUARDIANS } from '../../../../contracts/particulars.js';
import type { Actor } from '../../../core/auth/actor.js';
import type { SchoolDeps } from '../common.js';
import { toContactsView } from '../contacts-views.js';
import { type GuardianRow, listContactsOf, listGuardians } from '../queries/contacts.js';
import { contactsVisibleTo } from './contacts.js';

/** The export's contact columns (the import's, by English name), in order. */
export const CONTACT_EXPORT_COLUMNS = CONTACT_COLUMNS.map((c) => c.name);

/**
 * Each student's contact cells in `CONTACT_EXPORT_COLUMNS` order: in full where the person sees the
 * student's contacts, masked as on the screen otherwise (so a masked file cannot carry them out).
 * Phones are written as people read them (`9123 4567`); the import reads that form back.
 */
export async function contactExportCells(d: SchoolDeps, a: Actor, studentIds: string[]): Promise<Map<string, (string | null)[]>> {
  return d.db.school(a.schoolId, async (q) => {
    const [contacts, guardians, visible] = await Promise.all([
      listContactsOf(q, studentIds),
      listGuardians(q, studentIds),
      contactsVisibleTo(q, a, studentIds),
    ]);
    const byStudent = new Map<string, GuardianRow[]>();
    for (const g of guardians) byStudent.set(g.student_id, [...(byStudent.get(g.student_id) ?? []), g]);
    return new Map(
      studentIds.map((id) => {
        const v = toContactsView(contacts.get(id), byStudent.get(id) ?? [], !visible.has(id));
        const cells: (string | null)[] = [v.addressZh, v.addressEn, v.district, v.homePhone, v.mobilePhone];
        for (let i = 0; i < MAX_GUARDIANS; i++) {
          const g = v.guardians[i];
          cells.push(
            g?.nameZh ?? null,
            g?.nameEn ?? null,
            g?.relationship ?? null,
            g?.mobilePhone ?? null,
            g?.otherPhone ?? null,
            g?.email ?? null,
            g?.emergencyContact ? 'Y' : null,
          );
        }
        return [id, cells];
      }),
    );
  });
}
