/**
 * First run that survives a reload (issue 14 item 14): the school key is issued for a setup link
 * before the school exists, sealed to that link and kept nowhere on the server; the link keeps
 * working until the first administrator is created and is dead afterwards; a link that no longer
 * works says why (used, expired, unknown).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSetupToken } from '../../src/server/core/setup/service.js';
import { ADMIN_PASSWORD, Client, type TestServer, startTestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

const form = (token: string, schoolKey?: { words: string[]; ticket: string }) => ({
  token,
  school: { nameZh: '聖瑪利亞書院', nameEn: "St. Mary's College", schoolNumber: '512345' },
  admin: { username: 'smwong', displayNameEn: 'Wong Siu Ming', email: 'sm.wong@stmarys.edu.hk', password: ADMIN_PASSWORD },
  ...(schoolKey ? { schoolKey } : {}),
});

interface IssuedKey {
  schoolKeyWords: string[];
  schoolKeyFingerprint: string;
  ticket: string;
}

describe('setup that survives a reload', () => {
  it('issues a key per request before the school exists, creates the school with the confirmed one, then the link is dead', async () => {
    const { token } = await createSetupToken(s.db, s.clock);
    const c = new Client(s, '10.9.0.1');
    const first = (await c.post('/api/setup/key', { token })).body as IssuedKey;
    expect(first.schoolKeyWords).toHaveLength(24);
    // A reload asks again: a fresh key, and the link still works.
    const second = (await c.post('/api/setup/key', { token })).body as IssuedKey;
    expect(second.schoolKeyFingerprint).not.toBe(first.schoolKeyFingerprint);
    expect((await c.get(`/api/setup/${token}`)).body).toMatchObject({ valid: true, state: 'usable' });

    // A ticket is for its own words only: the first key's words with the second key's ticket are refused.
    const swapped = await c.post('/api/setup', form(token, { words: first.schoolKeyWords, ticket: second.ticket }));
    expect(swapped.status).toBe(400);
    expect((swapped.body as { code: string }).code).toBe('setup_key_invalid');
    const notWords = await c.post('/api/setup', form(token, { words: Array.from({ length: 24 }, () => 'school'), ticket: second.ticket }));
    expect((notWords.body as { code: string }).code).toBe('setup_key_invalid');
    expect((await c.get(`/api/setup/${token}`)).body).toMatchObject({ valid: true, state: 'usable' });

    const done = await c.post('/api/setup', form(token, { words: second.schoolKeyWords, ticket: second.ticket }));
    expect(done.status).toBe(200);
    expect((done.body as { schoolKeyFingerprint: string }).schoolKeyFingerprint).toBe(second.schoolKeyFingerprint);
    const [school] = await s.db.system((q) =>
      q.query<{ key_fingerprint: string }>("SELECT key_fingerprint FROM schools WHERE school_number = '512345'"),
    );
    expect(school?.key_fingerprint).toBe(second.schoolKeyFingerprint);

    // Once the school exists the link is dead: no new key, no second school, and the page is told why.
    expect((await c.get(`/api/setup/${token}`)).body).toMatchObject({ valid: false, state: 'used', expiresAt: null });
    const again = await c.post('/api/setup/key', { token });
    expect((again.body as { code: string }).code).toBe('setup_token_invalid');
    const twice = await c.post('/api/setup', form(token, { words: second.schoolKeyWords, ticket: second.ticket }));
    expect((twice.body as { code: string }).code).toBe('setup_token_invalid');
  });

  it('says an unknown link is unknown and an old one expired', async () => {
    const c = new Client(s, '10.9.0.2');
    expect((await c.get(`/api/setup/${'x'.repeat(32)}`)).body).toMatchObject({ valid: false, state: 'unknown' });
    const { token } = await createSetupToken(s.db, s.clock);
    s.clock.advance(24 * 3600_000 + 1000);
    expect((await c.get(`/api/setup/${token}`)).body).toMatchObject({ valid: false, state: 'expired' });
    expect(((await c.post('/api/setup/key', { token })).body as { code: string }).code).toBe('setup_token_invalid');
  });
});
