import { chmodSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { type Server, type Socket, createConnection, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { randomToken, safeEqual } from './core/crypto/secrets.js';
import { type CommandResult, SERVED_COMMANDS } from './commands.js';

/**
 * The local channel: while the server holds the embedded database's folder, `npm run cli` asks
 * it to run a command instead of opening the folder a second time. A Unix socket in
 * `DATA_DIR/run` (folder 0700, socket 0600), and a random token the server writes there (0600)
 * for each run: only the folder's owner (or root) can read it, so only they can be served.
 */
const RUN_DIR = 'run';
const SOCKET = 'cli.sock';
const TOKEN = 'cli.token';
/** Linux's limit for a socket path is 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH = 107;
const MAX_REQUEST = 4096;

export const channelPaths = (dataDir: string) => {
  const dir = join(resolve(dataDir), RUN_DIR);
  return { dir, socket: join(dir, SOCKET), token: join(dir, TOKEN) };
};

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export interface Channel {
  close(): Promise<void>;
}

/**
 * Serve the allowed commands on the socket. Only the holder of the folder's lock calls this, so a
 * socket or token left by a process that died can be replaced. Null when the path is too long for
 * a socket (the command line then refuses, as it would without a channel).
 */
export async function startChannel(
  dataDir: string,
  run: (cmd: string) => Promise<CommandResult>,
  log: (m: string, e?: unknown) => void,
): Promise<Channel | null> {
  const p = channelPaths(dataDir);
  if (Buffer.byteLength(p.socket) > MAX_SOCKET_PATH) {
    log(`the command channel is off: ${p.socket} is too long for a socket`);
    return null;
  }
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  chmodSync(p.dir, 0o700);
  removeQuietly(p.socket);
  removeQuietly(p.token);
  const token = randomToken();
  writeFileSync(p.token, token, { mode: 0o600, flag: 'wx' });

  const server: Server = createServer((socket) => serve(socket, token, run, log));
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(p.socket, () => {
      server.off('error', rej);
      res();
    });
  });
  chmodSync(p.socket, 0o600);
  return {
    async close() {
      await new Promise<void>((res) => server.close(() => res()));
      removeQuietly(p.socket);
      removeQuietly(p.token);
    },
  };
}

function serve(socket: Socket, token: string, run: (cmd: string) => Promise<CommandResult>, log: (m: string, e?: unknown) => void) {
  let buffered = '';
  const answer = (r: CommandResult) => socket.end(`${JSON.stringify(r)}\n`);
  socket.setEncoding('utf8');
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('error', () => undefined);
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > MAX_REQUEST) return socket.destroy();
    const nl = buffered.indexOf('\n');
    if (nl < 0) return;
    socket.removeAllListeners('data');
    socket.setTimeout(0);
    let req: { token?: unknown; command?: unknown };
    try {
      req = JSON.parse(buffered.slice(0, nl)) as typeof req;
    } catch {
      return answer({ code: 2, out: [], err: ['The request could not be read.'] });
    }
    if (typeof req.token !== 'string' || !safeEqual(Buffer.from(req.token), Buffer.from(token)))
      return answer({ code: 1, out: [], err: ['The running server refused the request: wrong channel token.'] });
    if (typeof req.command !== 'string' || !SERVED_COMMANDS.test(req.command))
      return answer({ code: 2, out: [], err: ['The running server does not run this command.'] });
    run(req.command).then(answer, (err: unknown) => {
      log('command over the local channel failed', err);
      answer({ code: 1, out: [], err: ['The command failed in the running server; its log has the details.'] });
    });
  });
}

/**
 * Ask the running server to run a command. Null when there is no channel to ask (no socket or
 * token: the folder's holder is not a server, or its path is too long).
 */
export async function askServer(dataDir: string, command: string): Promise<CommandResult | null> {
  const p = channelPaths(dataDir);
  let token: string;
  try {
    token = readFileSync(p.token, 'utf8');
  } catch {
    return null;
  }
  return new Promise((res) => {
    let data = '';
    const socket = createConnection(p.socket);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ token, command })}\n`));
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', () => res(null));
    socket.on('close', () => {
      try {
        res(JSON.parse(data) as CommandResult);
      } catch {
        res(null);
      }
    });
  });
}
