/** A LIKE pattern that finds `s` anywhere, with the pattern's own wildcards escaped. */
export const likePattern = (s: string): string => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The id an `INSERT … RETURNING id` gave back (it always gives one; a missing row is a bug, not a user error). */
export function returnedId(rows: { id: string }[], what: string): string {
  const [r] = rows;
  if (!r) throw new Error(`${what} not created`);
  return r.id;
}

/**
 * On roll on `date` — roll-policy.ts `onRollOn` as SQL on students alias `s` (entry date the first day,
 * leave date the last day on roll; without a leave date, the status decides).
 */
export const onRollSql = (s: string, date: string): string =>
  `(${s}.entry_date <= ${date} AND CASE WHEN ${s}.leave_date IS NOT NULL THEN ${s}.leave_date >= ${date} ELSE ${s}.status = 'on_roll' END)`;

/** A placement (student_classes alias `sc`) covers `date` — roll-policy.ts `placedOn`: from its first day to its last, inclusive. */
export const placedOnSql = (sc: string, date: string): string =>
  `(${sc}.from_date <= ${date} AND (${sc}.to_date IS NULL OR ${sc}.to_date >= ${date}))`;
