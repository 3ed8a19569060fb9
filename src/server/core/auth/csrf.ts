import { hmac, safeEqual } from '../crypto/secrets.js';

/**
 * CSRF: cookie-authenticated writes must carry `x-csrf-token`, a value bound to the session
 * (HMAC of its token hash), which a page of another site cannot read. SameSite=Lax is the second line.
 */
export function csrfTokenFor(key: Buffer, s: { tokenHash: Buffer }): string {
  return hmac(key, s.tokenHash.toString('base64url')).toString('base64url');
}

export function csrfValid(key: Buffer, s: { tokenHash: Buffer }, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || header.length > 100) return false;
  return safeEqual(Buffer.from(csrfTokenFor(key, s)), Buffer.from(header));
}
