import type { Database } from '../../../core/db/types.js';
import {
  claimPlainIds,
  listHkidHashes,
  listSchoolsWithPlainIds,
  lockSchoolIds,
  rewriteStudentsTable,
  type SealedIdUpdate,
  storeSealedIds,
} from '../queries/stored-ids.js';
import { idSealer } from './id-at-rest.js';

const BATCH = 500;

export interface SealReport {
  /** Numbers sealed by this call. */
  sealed: number;
  /** HKIDs another student of the same school already had: sealed, but not searchable until corrected. */
  duplicates: { schoolId: string; regNo: string; sameAs: string }[];
}

/**
 * The one-time step after migration 0016, run at every start: seals identity numbers still stored
 * plain and empties them. Idempotent and safe on several processes at once: each school's batches are
 * taken under an advisory lock, and a row another process sealed meanwhile is skipped. Costs one
 * indexed look-up when there is nothing left to do.
 */
export async function sealStoredIdNumbers(db: Database, serverKey: Buffer): Promise<SealReport> {
  const report: SealReport = { sealed: 0, duplicates: [] };
  for (const schoolId of await db.system(listSchoolsWithPlainIds)) {
    for (;;) {
      const n = await db.systemTx(async (q) => {
        await lockSchoolIds(q, schoolId);
        const rows = await claimPlainIds(q, schoolId, BATCH);
        if (!rows.length) return 0;
        const protect = await idSealer(q, serverKey, schoolId);
        const taken = new Map((await listHkidHashes(q, schoolId)).map((r) => [r.id_hash, r.reg_no]));
        const updates = rows.map((r): SealedIdUpdate => {
          const { sealed, hash, masked } = protect(r.id_type, r.id_number);
          if (r.id_type !== 'hkid') return { id: r.id, sealed, hash, masked };
          // Two students with one HKID, entered before duplicates were refused: keep both, let the second be found and corrected.
          const owner = taken.get(hash);
          if (owner !== undefined) {
            report.duplicates.push({ schoolId, regNo: r.reg_no, sameAs: owner });
            return { id: r.id, sealed, hash: null, masked };
          }
          taken.set(hash, r.reg_no);
          return { id: r.id, sealed, hash, masked };
        });
        return storeSealedIds(q, updates);
      });
      report.sealed += n;
      if (n === 0) break;
    }
  }
  if (report.sealed > 0) await db.system(rewriteStudentsTable);
  return report;
}
