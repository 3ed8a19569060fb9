import { z } from 'zod';

/**
 * Every setting comes from the environment and is checked here at start-up.
 * README's settings table is checked against this list by a test (test/unit/config.test.ts).
 */
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const settings = {
  PORT: { schema: z.coerce.number().int().min(0).max(65535).default(3000), doc: 'TCP port to listen on.' },
  HOST: { schema: z.string().min(1).default('0.0.0.0'), doc: 'Address to listen on.' },
  DATA_DIR: {
    schema: z.string().min(1).default('./data'),
    doc: 'Folder for the embedded database, the server key and the signed audit checkpoints (audit-checkpoints.jsonl); one process owns it at a time (owner.lock).',
  },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
      .optional(),
    doc: 'PostgreSQL server (15+) to use instead of the embedded database.',
  },
  PGLITE_SHARED_BUFFERS_MB: {
    schema: z.coerce.number().int().min(1).max(1024).default(32),
    doc: 'Buffer cache of the embedded database, in MB.',
  },
  DATABASE_POOL_SIZE: { schema: z.coerce.number().int().min(2).max(200).default(10), doc: 'Connections per process (PostgreSQL only).' },
  SERVER_KEY: {
    schema: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be 64 hex characters')
      .optional(),
    doc: 'The server key (32 bytes, hex). When unset it is generated into DATA_DIR/server.key (mode 0600) at first start.',
  },
  PUBLIC_URL: {
    schema: z.url().optional(),
    doc: 'The address people use, for links in e-mails and the setup link. Default http://localhost:PORT.',
  },
  TRUST_PROXY: { schema: bool.default(false), doc: 'Trust X-Forwarded-For/-Proto from a reverse proxy.' },
  COOKIE_SECURE: {
    schema: z.enum(['auto', 'true', 'false']).default('auto'),
    doc: 'Secure cookies: auto = when the request came over HTTPS.',
  },
  SESSION_IDLE_MINUTES: { schema: z.coerce.number().int().min(1).max(1440).default(30), doc: 'Sign out after this many idle minutes.' },
  SESSION_ABSOLUTE_HOURS: {
    schema: z.coerce.number().int().min(1).max(168).default(12),
    doc: 'Sign out this many hours after sign-in, whatever the activity.',
  },
  SCHOOL_KEY_UNLOCK_MINUTES: {
    schema: z.coerce.number().int().min(0).max(60).default(10),
    doc: 'After a person unlocks the school key, keep it unlocked for their session this many minutes (in server memory only; ended at sign-out). 0 asks for the 24 words every time.',
  },
  LOGIN_RATE_PER_MINUTE: {
    schema: z.coerce.number().int().min(1).max(10000).default(20),
    doc: 'Sign-in attempts allowed per source address per minute.',
  },
  SMTP_URL: {
    schema: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
    doc: 'Mail server. When unset, e-mail is kept in the outbox in the database.',
  },
  MAIL_FROM: { schema: z.string().min(3).default('School Admin <no-reply@localhost>'), doc: 'Sender of e-mail.' },
  SCHEDULER: {
    schema: bool.default(true),
    doc: 'Run periodic jobs in this process (they take an advisory lock, so several processes are safe).',
  },
  LOG_LEVEL: { schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), doc: 'Log level.' },
  ARGON2_MEMORY_KIB: { schema: z.coerce.number().int().min(8).max(1048576).default(19456), doc: 'argon2id memory cost (OWASP: 19456).' },
} as const;

type Settings = typeof settings;
export type Config = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

export class ConfigError extends Error {}

/** Parse the environment; the first bad variable stops start-up with one line naming it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  for (const [name, { schema }] of Object.entries(settings)) {
    const raw = env[name] === '' ? undefined : env[name];
    const parsed = (schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      const why = parsed.error.issues[0]?.message ?? 'invalid';
      throw new ConfigError(`Setting ${name} is invalid: ${why} (got ${JSON.stringify(raw)})`);
    }
    out[name] = parsed.data;
  }
  return out as Config;
}
