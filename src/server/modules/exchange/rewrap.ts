import type { KeyObject } from 'node:crypto';
import { rewrapper } from '../../core/crypto/envelope.js';
import type { Queryable } from '../../core/db/types.js';
import { type ExchangeDeps, event } from './common.js';
import { listAuthorityIds } from './queries/orgs.js';
import type { Envelope } from './queries/deliveries.js';
import { countDeliveriesByKey, lockDeliveriesWrappedTo, setEnvelopes } from './queries/rewrap.js';

/** Rows written per statement while rewrapping. */
const BATCH = 500;

export interface RewrapResult {
  rewrapped: number;
  /** Wrapped to the old key but not openable with it (a damaged envelope): left as they were. */
  unreadable: string[];
}

/**
 * Rotation of the school key (issue 12): every delivery whose data key is wrapped to the old key is
 * rewrapped to the new one, inside the caller's transaction, so that if anything stops it half way
 * the transaction rolls back and every delivery is still wrapped to the old key, which is still the
 * one in force. The envelope's fingerprint records the key version that wraps it.
 */
export async function rewrapDeliveries(
  q: Queryable,
  schoolId: string,
  from: { box: KeyObject; fingerprint: string },
  to: { boxPublic: Buffer; fingerprint: string },
): Promise<RewrapResult> {
  const rows = await lockDeliveriesWrappedTo(q, schoolId, from.fingerprint);
  const rewrap = rewrapper(from.box, to.boxPublic);
  const unreadable: string[] = [];
  let rewrapped = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const ids: string[] = [];
    const envelopes: Envelope[] = [];
    for (const r of rows.slice(i, i + BATCH)) {
      try {
        const w = rewrap({ eph: r.envelope.eph, key: r.envelope.key }, `msg:${r.message_id}:${schoolId}`);
        ids.push(r.id);
        envelopes.push({ ...w, keyFingerprint: to.fingerprint });
      } catch {
        unreadable.push(r.id);
      }
    }
    await setEnvelopes(q, ids, envelopes);
    rewrapped += ids.length;
  }
  return { rewrapped, unreadable };
}

/** How many of the school's items are wrapped to each key version's fingerprint. */
export const wrappedByKey = (q: Queryable, schoolId: string) => countDeliveriesByKey(q, schoolId);

/**
 * The authorities hear of a school's new key through the exchange: an entry in each one's exchange
 * log naming the school, the new version and its fingerprint. Their intake already verifies each
 * package with the version in force when it was made, so this is for people, not for verification.
 */
export async function tellAuthoritiesKeyChanged(
  d: Pick<ExchangeDeps, 'db' | 'clock'>,
  school: { schoolNumber: string; version: number; fingerprint: string; actor: string },
): Promise<number> {
  return d.db.systemTx(async (q) => {
    const authorities = await listAuthorityIds(q);
    for (const a of authorities)
      await event(q, d.clock, {
        orgId: a.id,
        event: 'school_key_changed',
        actor: school.actor,
        details: { schoolNumber: school.schoolNumber, version: school.version, fingerprint: school.fingerprint },
      });
    return authorities.length;
  });
}
