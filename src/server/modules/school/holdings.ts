import type { HoldingRegistry } from '../../core/handover/registry.js';

/** Class teacher and subject teacher duties pass to the successor's staff record (memo U3). */
export function registerSchoolHoldings(registry: HoldingRegistry): void {
  registry.register({
    kind: 'class_teacher',
    list: async (q, userId) =>
      (
        await q.query<{ id: string; code: string; year: string }>(
          `SELECT c.id, c.code, y.code AS year FROM class_teachers ct JOIN staff sf ON sf.id = ct.staff_id JOIN classes c ON c.id = ct.class_id
         JOIN school_years y ON y.id = c.year_id WHERE sf.user_id = $1 AND y.status <> 'finished' ORDER BY c.code`,
          [userId],
        )
      ).map((r) => ({
        kind: 'class_teacher',
        key: r.id,
        labelEn: `Class teacher of ${r.code} (${r.year})`,
        labelZh: `${r.code} 班主任（${r.year}）`,
      })),
    async transfer(q, schoolId, h, from, to) {
      const [s] = await q.query<{ id: string }>('SELECT id FROM staff WHERE user_id = $1', [to]);
      if (s)
        await q.query('INSERT INTO class_teachers (school_id, class_id, staff_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
          schoolId,
          h.key,
          s.id,
        ]);
      await q.query('DELETE FROM class_teachers ct USING staff sf WHERE ct.staff_id = sf.id AND sf.user_id = $1 AND ct.class_id = $2', [
        from,
        h.key,
      ]);
    },
  });
  registry.register({
    kind: 'subject_teacher',
    list: async (q, userId) =>
      (
        await q.query<{ id: string; class_code: string; subject: string; subject_zh: string }>(
          `SELECT cs.id, c.code AS class_code, sj.name_en AS subject, sj.name_zh AS subject_zh FROM class_subject_teachers t JOIN staff sf ON sf.id = t.staff_id
         JOIN class_subjects cs ON cs.id = t.class_subject_id JOIN classes c ON c.id = cs.class_id JOIN subjects sj ON sj.id = cs.subject_id
         JOIN school_years y ON y.id = c.year_id WHERE sf.user_id = $1 AND y.status <> 'finished' ORDER BY c.code, sj.code`,
          [userId],
        )
      ).map((r) => ({
        kind: 'subject_teacher',
        key: r.id,
        labelEn: `${r.subject}, ${r.class_code}`,
        labelZh: `${r.class_code} ${r.subject_zh}`,
      })),
    async transfer(q, schoolId, h, from, to) {
      const [s] = await q.query<{ id: string }>('SELECT id FROM staff WHERE user_id = $1', [to]);
      if (s)
        await q.query(
          'INSERT INTO class_subject_teachers (school_id, class_subject_id, staff_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [schoolId, h.key, s.id],
        );
      await q.query(
        'DELETE FROM class_subject_teachers t USING staff sf WHERE t.staff_id = sf.id AND sf.user_id = $1 AND t.class_subject_id = $2',
        [from, h.key],
      );
    },
  });
}
