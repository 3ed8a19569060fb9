// @ts-expect-error oidc-provider ships no types; this test helper uses a small, stable part of it.
import Provider from 'oidc-provider';
import { createServer } from 'node:http';

/** How an account signs in at the provider, as its ID tokens then say (`amr`, `acr`); change it between sign-ins. */
export type IdpAuthn = Record<string, { amr?: string[]; acr?: string }>;

/**
 * A real OpenID provider on loopback (oidc-provider with its development login pages). An account
 * named in `authn` is signed in with those `amr`/`acr` (the development login page gives none).
 */
export async function startIdp(redirectUri: string, authn: IdpAuthn = {}) {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'school-admin',
        client_secret: 'a client secret for tests',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      // Another application at the same provider: its codes and tokens are not for us.
      {
        client_id: 'other-app',
        client_secret: 'another client secret',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub', 'acr', 'amr'], email: ['email', 'email_verified'] },
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: `${id}@school1.edu.hk`, email_verified: true }),
    }),
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['a cookie key for tests only'] },
  });
  // The login result is where a real provider's login page would record the methods used.
  const finished = provider.interactionFinished.bind(provider);
  provider.interactionFinished = (req: unknown, res: unknown, result: { login?: { accountId: string } }, options: unknown) =>
    finished(req, res, result.login ? { ...result, login: { ...result.login, ...authn[result.login.accountId] } } : result, options);
  server.on('request', provider.callback());
  return { issuer, close: () => new Promise<void>((res) => server.close(() => res())) };
}

/** Go through the provider's login and consent pages as `login`; returns the callback path with code and state. */
export async function signInAtIdp(authorizeUrl: string, login: string): Promise<string> {
  const jar = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers ?? {}), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair?.indexOf('=') ?? -1;
      if (pair && i > 0) jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };
  let url = authorizeUrl;
  for (let step = 0; step < 12; step++) {
    const res = await send(url);
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.pathname === '/api/sso/callback') return `${next.pathname}${next.search}`;
      url = next.href;
      continue;
    }
    const html = await res.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!prompt || !action) throw new Error(`unexpected provider page at ${url}: ${res.status}`);
    const body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
    const posted = await send(new URL(action, url).href, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const loc = posted.headers.get('location');
    if (!loc) throw new Error(`provider did not redirect after ${prompt}: ${posted.status}`);
    url = new URL(loc, url).href;
  }
  throw new Error('too many steps at the provider');
}
