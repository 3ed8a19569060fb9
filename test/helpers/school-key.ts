/**
 * Fixtures for the school key's lifecycle: many items really wrapped to a school's key (as the
 * exchange seals them), and a check that opens every one with the key version its envelope names.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { newDataKey, openContent, sealContent, unwrapKey, wrapKey } from '../../src/server/core/crypto/envelope.js';
import { newSchoolKey, publicOf, schoolKeyPairs, wordsToEntropy } from '../../src/server/core/crypto/school-key.js';
import type { Database } from '../../src/server/core/db/types.js';

/** `n` messages from the authority, each delivered to the school with its data key wrapped to the school's key in force. */
export async function addWrappedItems(
  db: Database,
  o: { schoolId: string; authorityId: string; publisherId: string; n: number; prefix?: string },
): Promise<void> {
  await db.systemTx(async (q) => {
    const [school] = await q.query<{ key_box_public: Buffer; key_fingerprint: string }>(
      'SELECT key_box_public, key_fingerprint FROM schools WHERE id = $1',
      [o.schoolId],
    );
    if (!school) throw new Error('no school');
    const ids: string[] = [];
    const refs: string[] = [];
    const sealed: string[] = [];
    const envelopes: string[] = [];
    for (let i = 0; i < o.n; i++) {
      const id = randomUUID();
      const dataKey = newDataKey();
      ids.push(id);
      refs.push(`${o.prefix ?? 'KEY'}-${i}-${id.slice(0, 8)}`);
      sealed.push(
        sealContent(
          dataKey,
          Buffer.from(JSON.stringify({ bodyZh: `第 ${i} 項`, bodyEn: `Item ${i}`, attachments: [], template: null })),
          `msg:${id}`,
        ),
      );
      envelopes.push(
        JSON.stringify({ ...wrapKey(dataKey, school.key_box_public, `msg:${id}:${o.schoolId}`), keyFingerprint: school.key_fingerprint }),
      );
    }
    await q.query(
      `INSERT INTO exchange_messages (id, school_id, ref_no, category, subject_code, type_code, priority, title_zh, title_en, deadline,
                                      audience, content, published_by, published_at)
       SELECT u.id, $2, u.ref, 'general', 'GEN', 'NOTICE', 'normal', '測試', 'Test', '2027-06-30T09:00:00Z', '{}'::jsonb, '{}'::jsonb, $3, now()
         FROM unnest($1::uuid[], $4::text[]) AS u(id, ref)`,
      [ids, o.authorityId, o.publisherId, refs],
    );
    await q.query(
      `INSERT INTO exchange_contents (id, authority_id, message_id, ciphertext, created_at)
       SELECT u.id, $2, u.id, u.c, now() FROM unnest($1::uuid[], $3::text[]) AS u(id, c)`,
      [ids, o.authorityId, sealed],
    );
    await q.query(
      `INSERT INTO exchange_deliveries (school_id, authority_id, authority_code, message_id, school_number, school_name_zh, school_name_en,
                                        ref_no, category, subject_code, type_code, priority, title_zh, title_en, deadline, has_template,
                                        content_id, envelope, delivered_at)
       SELECT s.id, $2, 'EDB', u.id, s.school_number, s.name_zh, s.name_en, u.ref, 'general', 'GEN', 'NOTICE', 'normal', '測試', 'Test',
              '2027-06-30T09:00:00Z', false, u.id, u.env, now()
         FROM schools s, unnest($3::uuid[], $4::text[], $5::jsonb[]) AS u(id, ref, env) WHERE s.id = $1`,
      [o.schoolId, o.authorityId, ids, refs, envelopes],
    );
  });
}

export interface OpenReport {
  total: number;
  opened: number;
  /** Items no key opens (must stay 0: "either old or new, never neither"). */
  neither: number;
  byFingerprint: Record<string, number>;
}

/** Open every delivery of the school with whichever of the given keys its envelope names. */
export async function openEveryItem(db: Database, schoolId: string, words: string[][]): Promise<OpenReport> {
  const keys = new Map<string, KeyObject>();
  for (const w of words) {
    const e = wordsToEntropy(w);
    keys.set(publicOf(e).fingerprint, schoolKeyPairs(e).box);
  }
  const rows = await db.system((q) =>
    q.query<{ id: string; message_id: string; envelope: { eph: string; key: string; keyFingerprint: string }; ciphertext: string }>(
      `SELECT d.id, d.message_id, d.envelope, c.ciphertext FROM exchange_deliveries d JOIN exchange_contents c ON c.id = d.content_id
        WHERE d.school_id = $1`,
      [schoolId],
    ),
  );
  const report: OpenReport = { total: rows.length, opened: 0, neither: 0, byFingerprint: {} };
  for (const r of rows) {
    const box = keys.get(r.envelope.keyFingerprint);
    try {
      if (!box) throw new Error('no key');
      const dataKey = unwrapKey(r.envelope, box, `msg:${r.message_id}:${schoolId}`);
      openContent(dataKey, r.ciphertext, `msg:${r.message_id}`);
      report.opened++;
      report.byFingerprint[r.envelope.keyFingerprint] = (report.byFingerprint[r.envelope.keyFingerprint] ?? 0) + 1;
    } catch {
      report.neither++;
    }
  }
  return report;
}

/** An authority (with a publisher) and a school (with an administrator) made in SQL, for tests and benchmarks without HTTP. */
export async function keyOrgs(
  db: Database,
  n = 1,
): Promise<{ schoolId: string; authorityId: string; publisherId: string; adminId: string; words: string[] }> {
  const school = newSchoolKey();
  const authority = newSchoolKey();
  return db.systemTx(async (q) => {
    const org = async (k: ReturnType<typeof newSchoolKey>, number: string, kind: string, code: string | null) => {
      const [r] = await q.query<{ id: string }>(
        `INSERT INTO schools (name_zh, name_en, school_number, key_box_public, key_sign_public, key_fingerprint, key_created_at, created_at, kind, authority_code)
         VALUES ('測試', 'Test', $1, $2, $3, $4, now(), now(), $5, $6) RETURNING id`,
        [number, k.pub.boxPublic, k.pub.signPublic, k.pub.fingerprint, kind, code],
      );
      if (!r) throw new Error('org not created');
      await q.query('INSERT INTO audit_heads (chain_id, school_id, seq, hash) VALUES ($1, $1, 0, $2)', [r.id, Buffer.alloc(32)]);
      return r.id;
    };
    const user = async (schoolId: string, username: string) => {
      const [r] = await q.query<{ id: string }>(
        `INSERT INTO users (school_id, username, display_name_en, password_hash, password_changed_at, created_at)
         VALUES ($1, $2, $2, 'x', now(), now()) RETURNING id`,
        [schoolId, username],
      );
      if (!r) throw new Error('user not created');
      return r.id;
    };
    const existing = await q.query<{ id: string }>(`SELECT id FROM schools WHERE kind = 'authority' AND authority_code = 'EDB'`);
    const authorityId = existing[0]?.id ?? (await org(authority, `EDB${n}`, 'authority', 'EDB'));
    const publisherId = await user(authorityId, `edb-publisher-${n}-${randomUUID().slice(0, 6)}`);
    const schoolId = await org(school, `7${String(n).padStart(5, '0')}`, 'school', null);
    const adminId = await user(schoolId, `key-admin-${n}-${randomUUID().slice(0, 6)}`);
    return { schoolId, authorityId, publisherId, adminId, words: school.words };
  });
}
