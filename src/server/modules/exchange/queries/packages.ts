import type { Queryable } from '../../../core/db/types.js';
import type { Pkg } from '../types.js';

/** Signed return packages (`exchange_packages`): one per attempt at sending an amendment, answered by the authority. */

export interface NewPackage {
  schoolId: string;
  authorityId: string;
  deliveryId: string;
  returnId: string;
  amendment: number;
  pkg: Pkg;
  packageHash: string;
  sentAt: Date;
}

/** Sent as the next attempt of this amendment. */
export async function insertPackage(q: Queryable, p: NewPackage): Promise<string> {
  const [row] = await q.query<{ id: string }>(
    `INSERT INTO exchange_packages (school_id, authority_id, delivery_id, return_id, amendment, attempt, package, package_hash, state, sent_at)
       VALUES ($1, $2, $3, $4, $5, (SELECT count(*) + 1 FROM exchange_packages WHERE delivery_id = $3 AND amendment = $5), $6, $7, 'sent', $8) RETURNING id`,
    [p.schoolId, p.authorityId, p.deliveryId, p.returnId, p.amendment, p.pkg, p.packageHash, p.sentAt],
  );
  return row?.id ?? '';
}

/** The latest attempt's package of one of the school's returns. */
export async function findLatestReturnPackage(q: Queryable, returnId: string): Promise<Pkg | undefined> {
  const [p] = await q.query<{ package: Pkg }>(
    'SELECT package FROM exchange_packages WHERE return_id = $1 AND school_id = app_school() ORDER BY attempt DESC LIMIT 1',
    [returnId],
  );
  return p?.package;
}

export interface IntakeRow {
  authority_id: string;
  package: Pkg;
  state: 'sent' | 'received' | 'refused';
  delivery_id: string;
  school_id: string;
  /** The receiving authority's code. */
  code: string;
  amendment: number;
}

/** A package with its receiving authority (a platform query, for the intake). */
export async function findPackageForIntake(q: Queryable, packageId: string): Promise<IntakeRow | undefined> {
  const [row] = await q.query<IntakeRow>(
    `SELECT p.authority_id, p.package, p.state, p.delivery_id, p.school_id, s.authority_code AS code, p.amendment FROM exchange_packages p JOIN schools s ON s.id = p.authority_id WHERE p.id = $1`,
    [packageId],
  );
  return row;
}

/** The package if it still waits for an answer, locked; undefined once answered. */
export async function lockSentPackage(q: Queryable, packageId: string): Promise<{ id: string } | undefined> {
  const [p] = await q.query<{ id: string }>(`SELECT id FROM exchange_packages WHERE id = $1 AND state = 'sent' FOR UPDATE`, [packageId]);
  return p;
}

export async function refusePackage(q: Queryable, packageId: string, reason: string, at: Date): Promise<void> {
  await q.query(`UPDATE exchange_packages SET state = 'refused', refused_reason = $2, received_at = $3 WHERE id = $1`, [
    packageId,
    reason,
    at,
  ]);
}

export async function receivePackage(q: Queryable, packageId: string, at: Date): Promise<void> {
  await q.query(`UPDATE exchange_packages SET state = 'received', received_at = $2 WHERE id = $1`, [packageId, at]);
}

/** A package the authority received, addressed to `authorityId`. */
export async function findReceivedPackage(q: Queryable, packageId: string, authorityId: string): Promise<Pkg | undefined> {
  const [row] = await q.query<{ package: Pkg }>(
    `SELECT package FROM exchange_packages WHERE id = $1 AND authority_id = $2 AND state = 'received'`,
    [packageId, authorityId],
  );
  return row?.package;
}

export async function findPackage(q: Queryable, packageId: string): Promise<Pkg | undefined> {
  const [row] = await q.query<{ package: Pkg }>('SELECT package FROM exchange_packages WHERE id = $1', [packageId]);
  return row?.package;
}

/** Packages no authority has answered yet (a platform query, for the job). */
export async function listUnansweredPackages(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ id: string }>(`SELECT id FROM exchange_packages WHERE state = 'sent'`);
  return rows.map((p) => p.id);
}
