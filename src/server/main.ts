import { ConfigError, loadConfig } from './config.js';
import { hkStampEn } from './core/hk-time.js';
import { createSetupToken, schoolCount } from './core/setup/service.js';
import { DataDirBusy, DataDirUnreadable } from './core/db/data-lock.js';
import { createServer } from './server.js';

const started = performance.now();
let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const server = await createServer({ config }).catch((err: unknown) => {
  // The data folder is another process's, or damaged: one line that says what to do, no library dump.
  if (err instanceof DataDirBusy || err instanceof DataDirUnreadable) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
});
await server.app.listen({ port: config.PORT, host: config.HOST });
const address = config.PUBLIC_URL ?? `http://localhost:${(server.app.server.address() as { port: number }).port}`;
if (config.SCHEDULER) server.scheduler.start();

console.log(
  `School admin is running at ${address} (${server.deps.db.kind === 'pg' ? 'PostgreSQL' : `embedded database in ${config.DATA_DIR}`}), ready in ${Math.round(performance.now() - started)} ms`,
);
if ((await schoolCount(server.deps.db)) === 0) {
  const { token, expiresAt } = await createSetupToken(server.deps.db, server.deps.clock);
  console.log(
    `\nFirst run: open this one-time setup link to create the school (valid until ${hkStampEn(expiresAt)}):\n  ${address.replace(/\/$/, '')}/setup/${token}\n`,
  );
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
