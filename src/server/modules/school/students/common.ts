import type { PermissionKey } from '../../../../contracts/permissions.js';
import type { Actor } from '../../../core/auth/actor.js';
import type { Queryable } from '../../../core/db/types.js';
import { AppError } from '../../../core/errors.js';
import { scopeOf } from '../policy.js';
import { findStudent, type StudentDetailRow } from '../queries/students.js';

/** Unique constraints on students and placements, and what a person is told when one is hit. */
export const STUDENT_UNIQUE = {
  students_school_id_reg_no_key: 'reg_no_taken',
  students_school_id_strn_key: 'strn_taken',
  students_id_hash_key: 'id_number_taken',
  student_classes_number: 'class_number_taken',
  student_classes_one_place: 'conflict',
} as const;

/** The person whose own classes bound what the permission reaches, or null when it reaches the whole school. */
export function ownClassesOf(a: Actor, permission: PermissionKey): string | null {
  return scopeOf(a.ownClassesOnly, permission) === 'own_classes' ? a.userId : null;
}

/** One student within the person's scope; outside it the student does not exist for them. */
export async function loadStudent(q: Queryable, a: Actor, id: string, permission: PermissionKey, lock = false): Promise<StudentDetailRow> {
  const r = await findStudent(q, id, ownClassesOf(a, permission), lock);
  if (!r) throw new AppError('not_found');
  return r;
}
