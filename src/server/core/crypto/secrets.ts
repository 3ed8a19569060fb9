import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** AES-256-GCM with a random 96-bit nonce; the result is `v1.<nonce>.<ciphertext+tag>` in base64url. */
export function seal(key: Buffer, plain: string | Buffer, aad = ''): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const body = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
  return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

export function open(key: Buffer, sealed: string, aad = ''): Buffer {
  const [v, ivB, bodyB] = sealed.split('.');
  if (v !== 'v1' || !ivB || !bodyB) throw new Error('sealed value has an unknown format');
  const body = Buffer.from(bodyB, 'base64url');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(ivB, 'base64url'));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
}

export const sha256 = (data: string | Buffer): Buffer => createHash('sha256').update(data).digest();
export const hmac = (key: Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The server key (DESIGN rule 4): from SERVER_KEY, or generated into DATA_DIR/server.key with
 * mode 0600 at first start. It protects what the server must use unattended (TOTP seeds, …).
 */
export async function loadServerKey(dataDir: string, fromEnv: string | undefined): Promise<Buffer> {
  if (fromEnv) return Buffer.from(fromEnv, 'hex');
  const file = join(dataDir, 'server.key');
  try {
    const hex = (await readFile(file, 'utf8')).trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file} does not hold a 64-hex-character key`);
    return Buffer.from(hex, 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return key;
}

/** Sub-keys per purpose, so one key never serves two uses. */
export function subKey(serverKey: Buffer, purpose: 'totp' | 'csrf' | 'check' | 'smtp' | 'sso' | 'data_key' | 'id_hash'): Buffer {
  return hmac(serverKey, `hk-school-admin/${purpose}`);
}
