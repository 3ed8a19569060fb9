import type { z } from 'zod';
import type { KeyVersionView, ShareSetView } from '../../../../contracts/security-key.js';
import type { KeyVersionRow, ShareRow } from '../queries/key.js';
import { iso } from './common.js';

export const toKeyVersionView = (r: KeyVersionRow): z.infer<typeof KeyVersionView> => ({
  version: r.version,
  fingerprint: r.fingerprint,
  createdAt: r.created_at.toISOString(),
  createdBy: r.created_by_name,
  retiredAt: iso(r.retired_at),
  rewrapped: r.rewrapped,
});

/** The current set's holders (the rows of one set, in holder order); null when there is none. */
export function toShareSetView(rows: ShareRow[]): z.infer<typeof ShareSetView> | null {
  const first = rows[0];
  if (!first) return null;
  return {
    setId: first.set_id,
    keyVersion: first.key_version,
    threshold: first.threshold,
    issuedAt: first.issued_at.toISOString(),
    issuedBy: first.issued_by_name,
    holders: rows.map((r) => ({
      holderNo: r.holder_no,
      holderName: r.holder_name,
      holderRole: r.holder_role,
      printedAt: iso(r.printed_at),
      confirmedAt: iso(r.confirmed_at),
      confirmedBy: r.confirmed_by_name,
    })),
  };
}
