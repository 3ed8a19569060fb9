import type { z } from 'zod';
import type { StudentDetail, StudentList, StudentQuery } from '../../../../contracts/school.js';
import type { Actor } from '../../../core/auth/actor.js';
import type { SchoolDeps } from '../common.js';
import { listPlacementHistory, listStudentRows } from '../queries/students.js';
import { toStudentDetail, toStudentListItem } from '../views.js';
import { loadStudent, ownClassesOf } from './common.js';
import { emergencyContactsOf } from './contacts.js';
import { idHash } from './id-at-rest.js';

/**
 * Students the person may see (their own classes, with a right limited to them), filtered and paged.
 * A whole identity number in the search finds its student by keyed hash; nothing is decrypted.
 */
export async function listStudents(d: SchoolDeps, a: Actor, f: z.infer<typeof StudentQuery>): Promise<z.infer<typeof StudentList>> {
  const hash = f.q ? idHash(d.serverKey, a.schoolId, f.q) : undefined;
  return d.db.school(a.schoolId, async (q) => {
    const rows = await listStudentRows(q, ownClassesOf(a, 'students.read'), f, hash);
    const emergency = await emergencyContactsOf(
      q,
      a,
      rows.map((r) => r.id),
    );
    return {
      students: rows.map((r) => ({ ...toStudentListItem(r), emergencyContact: emergency.get(r.id) ?? null })),
      total: rows[0]?.total ?? 0,
    };
  });
}

export async function getStudent(d: SchoolDeps, a: Actor, id: string): Promise<z.infer<typeof StudentDetail>> {
  return d.db.school(a.schoolId, async (q) => {
    const r = await loadStudent(q, a, id, 'students.read');
    return toStudentDetail(r, await listPlacementHistory(q, id));
  });
}
