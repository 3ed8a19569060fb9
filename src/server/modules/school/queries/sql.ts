/** A LIKE pattern that finds `s` anywhere, with the pattern's own wildcards escaped. */
export const likePattern = (s: string): string => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The id an `INSERT … RETURNING id` gave back (it always gives one; a missing row is a bug, not a user error). */
export function returnedId(rows: { id: string }[], what: string): string {
  const [r] = rows;
  if (!r) throw new Error(`${what} not created`);
  return r.id;
}
