/** Which database the integration suites run on: TEST_DB=pglite (default) or TEST_DB=pg. */
export const TEST_DB = (process.env.TEST_DB ?? 'pglite') as 'pglite' | 'pg';
/** A role that may create databases (CI creates one for the run; locally the postgres superuser). */
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function withDatabaseName(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
