import type { Database } from '../../src/server/core/db/types.js';

/** Tables whose content a refused request must leave exactly as it was. */
const DATA_TABLES = [
  'schools',
  'users',
  'recovery_codes',
  'roles',
  'role_permissions',
  'user_roles',
  'notifications',
  'mail_outbox',
  'setup_tokens',
  'server_meta',
  'school_years',
  'staff',
  'classes',
  'class_teachers',
  'subjects',
  'class_subjects',
  'class_subject_teachers',
  'students',
  'student_classes',
];

/**
 * A fingerprint of every data table. Sign-in failures are deliberately recorded (audit log,
 * failure counter, rate-limit window) and session activity times move, so those are left out.
 */
export async function snapshot(db: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await db.system(async (q) => {
    for (const t of DATA_TABLES) {
      const [r] = await q.query<{ n: number; h: string | null }>(
        `SELECT count(*) AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${t} t`,
      );
      out[t] = `${r?.n}:${r?.h}`;
    }
    const [s] = await q.query<{ n: number }>('SELECT count(*) AS n FROM sessions');
    out.sessions = String(s?.n);
  });
  return out;
}
