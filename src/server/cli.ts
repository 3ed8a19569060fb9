import pino from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { verifyAudit } from './core/audit/audit.js';
import { systemClock } from './core/clock.js';
import { migrate } from './core/db/migrate.js';
import { authorityExists } from './core/setup/queries.js';
import { createSetupToken } from './core/setup/service.js';
import { openDatabase } from './server.js';

const USAGE = `Usage: npm run cli -- <command>
  migrate                 apply database migrations
  audit verify            check the audit hash chain; exits 1 at the first broken link
  school create           print a one-time setup link for another school on this platform
  authority create EDB|HKEAA
                          print a one-time setup link for the first user of the Education Bureau or the HKEAA`;

async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const log = pino({ level: 'warn' });
  const db = await openDatabase(config, (m, e) => log.error({ err: e }, m));
  try {
    const cmd = argv.join(' ');
    if (cmd === 'migrate') {
      const r = await migrate(db);
      console.log(r.applied.length ? `Applied: ${r.applied.join(', ')}` : 'Database is up to date.');
      return 0;
    }
    await migrate(db);
    if (cmd === 'audit verify') {
      const r = await db.system((q) => verifyAudit(q));
      if (r.ok) {
        console.log(`Audit chain intact: ${r.checked} records checked.`);
        return 0;
      }
      console.error(
        `Audit chain BROKEN in chain ${r.broken?.chainId} at record ${r.broken?.seq} (${r.broken?.reason}); ${r.checked} records before it are intact.`,
      );
      return 1;
    }
    if (cmd === 'school create') {
      const { token, expiresAt } = await createSetupToken(db, systemClock);
      const base = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
      console.log(
        `One-time setup link for a new school (valid until ${expiresAt.toISOString()}):\n  ${base.replace(/\/$/, '')}/setup/${token}`,
      );
      return 0;
    }
    const m = /^authority create (EDB|HKEAA)$/.exec(cmd);
    if (m) {
      const code = m[1] as 'EDB' | 'HKEAA';
      if (await db.system((q) => authorityExists(q, code))) {
        console.error(`${code} is already set up on this installation; its administrators add further users.`);
        return 1;
      }
      const { token, expiresAt } = await createSetupToken(db, systemClock, code);
      const base = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
      console.log(
        `One-time setup link for the first ${code} user (valid until ${expiresAt.toISOString()}):\n  ${base.replace(/\/$/, '')}/setup/${token}`,
      );
      return 0;
    }
    console.error(USAGE);
    return 2;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : `Failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
