import type { z } from 'zod';
import type { SubjectCreateBody, SubjectView } from '../../../contracts/school.js';
import { type Actor, who } from '../../core/auth/actor.js';
import { audit } from '../../core/audit/audit.js';
import { uniqueViolation } from '../../core/db/unique.js';
import type { SchoolDeps } from './common.js';
import { insertSubject, listSubjectRows } from './queries/years-classes-subjects.js';
import { toSubjectView } from './views.js';

export async function listSubjects(d: SchoolDeps, schoolId: string): Promise<z.infer<typeof SubjectView>[]> {
  const rows = await d.db.school(schoolId, listSubjectRows);
  return rows.map(toSubjectView);
}

export async function createSubject(d: SchoolDeps, a: Actor, b: z.infer<typeof SubjectCreateBody>): Promise<string> {
  try {
    return await d.db.schoolTx(a.schoolId, async (q) => {
      const id = await insertSubject(q, a.schoolId, { code: b.code, nameZh: b.nameZh, nameEn: b.nameEn, edbCode: b.edbCode ?? null });
      await audit(q, d.clock, { ...who(a), action: 'school.subject_created', target: `subject:${id}`, details: { code: b.code } });
      return id;
    });
  } catch (err) {
    throw uniqueViolation(err, { subjects_school_id_code_key: 'subject_code_taken' });
  }
}
