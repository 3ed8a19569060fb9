import pino from 'pino';
import { askServer } from './channel.js';
import { type CommandResult, SERVED_COMMANDS, existingServerKey, runCommand } from './commands.js';
import { ConfigError, loadConfig } from './config.js';
import { systemClock } from './core/clock.js';
import { DataDirBusy, DataDirUnreadable } from './core/db/data-lock.js';
import { migrate } from './core/db/migrate.js';
import type { Database } from './core/db/types.js';
import { openDatabase } from './server.js';

const USAGE = `Usage: npm run cli -- <command>
  migrate                 apply database migrations
  audit verify            check the audit hash chains against the signed checkpoints; exits 1 at the first broken link
  school create           print a one-time setup link for another school on this platform
  authority create EDB|HKEAA
                          print a one-time setup link for the first user of the Education Bureau or the HKEAA`;

function print(r: CommandResult): number {
  for (const line of r.out) console.log(line);
  for (const line of r.err) console.error(line);
  return r.code;
}

async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const cmd = argv.join(' ');
  if (cmd !== 'migrate' && !SERVED_COMMANDS.test(cmd)) {
    console.error(USAGE);
    return 2;
  }
  const log = pino({ level: 'warn' });
  let db: Database;
  try {
    db = await openDatabase(config, (m, e) => log.error({ err: e }, m), cmd);
  } catch (err) {
    // The server holds the embedded database: ask it to run the command rather than open the folder twice.
    if (err instanceof DataDirBusy && err.byServer && SERVED_COMMANDS.test(cmd)) {
      const served = await askServer(config.DATA_DIR, cmd);
      if (served) return print(served);
    }
    throw err;
  }
  try {
    if (cmd === 'migrate') {
      const r = await migrate(db);
      console.log(r.applied.length ? `Applied: ${r.applied.join(', ')}` : 'Database is up to date.');
      return 0;
    }
    await migrate(db);
    return print(await runCommand({ db, config, clock: systemClock, serverKey: await existingServerKey(config) }, cmd));
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    // The folder's owner, a damaged folder, a bad setting: each is one line that says what to do.
    const oneLine = err instanceof ConfigError || err instanceof DataDirBusy || err instanceof DataDirUnreadable;
    console.error(oneLine ? err.message : `Failed: ${err.message}`);
    process.exit(1);
  },
);
