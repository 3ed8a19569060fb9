import { type Actor, who } from '../../../core/auth/actor.js';
import { audit } from '../../../core/audit/audit.js';
import type { SchoolDeps } from '../common.js';
import { loadStudent } from './common.js';
import { openId } from './id-at-rest.js';

/** The full identity number, for a stated reason; every reveal is audited, and opens this one record only. */
export async function revealId(d: SchoolDeps, a: Actor, id: string, reason: string): Promise<string> {
  return d.db.schoolTx(a.schoolId, async (q) => {
    const s = await loadStudent(q, a, id, 'students.read');
    await audit(q, d.clock, { ...who(a), action: 'students.id_revealed', target: `student:${id}`, details: { reason, regNo: s.reg_no } });
    return openId(q, d.serverKey, a.schoolId, s.id_sealed);
  });
}
