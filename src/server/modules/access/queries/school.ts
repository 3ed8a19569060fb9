import type { OrgKind } from '../../../core/auth/permissions.js';
import type { Queryable } from '../../../core/db/types.js';

/** The school row's settings and names as the access module reads them. */
export interface PrivilegedLimitRow {
  privileged_limit: number;
}

export interface SchoolNamesRow {
  name_zh: string;
  name_en: string;
}

/** Every school, for jobs that visit each in turn (run as the system). */
export async function listSchoolIds(q: Queryable): Promise<{ id: string }[]> {
  return q.query<{ id: string }>('SELECT id FROM schools');
}

/** Changes of rights in one school happen one at a time (no two administrators removing each other's). */
export async function lockSchool(q: Queryable, schoolId: string): Promise<void> {
  await q.query('SELECT id FROM schools WHERE id = $1 FOR UPDATE', [schoolId]);
}

export async function findPrivilegedLimit(q: Queryable, schoolId: string): Promise<PrivilegedLimitRow | undefined> {
  const [r] = await q.query<PrivilegedLimitRow>('SELECT privileged_limit FROM schools WHERE id = $1', [schoolId]);
  return r;
}

export async function lockPrivilegedLimit(q: Queryable, schoolId: string): Promise<PrivilegedLimitRow | undefined> {
  const [r] = await q.query<PrivilegedLimitRow>('SELECT privileged_limit FROM schools WHERE id = $1 FOR UPDATE', [schoolId]);
  return r;
}

export async function updatePrivilegedLimit(q: Queryable, schoolId: string, limit: number): Promise<void> {
  await q.query('UPDATE schools SET privileged_limit = $2 WHERE id = $1', [schoolId, limit]);
}

export async function findSchoolKind(q: Queryable, schoolId: string): Promise<OrgKind | undefined> {
  const [o] = await q.query<{ kind: OrgKind }>('SELECT kind FROM schools WHERE id = $1', [schoolId]);
  return o?.kind;
}

export async function findSchoolNames(q: Queryable, schoolId: string): Promise<SchoolNamesRow | undefined> {
  const [s] = await q.query<SchoolNamesRow>('SELECT name_zh, name_en FROM schools WHERE id = $1', [schoolId]);
  return s;
}
