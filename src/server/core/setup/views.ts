import type { z } from 'zod';
import type { SetupStatus } from '../../../contracts/auth.js';
import type { Clock } from '../clock.js';
import { AUTHORITY_NAMES } from './authorities.js';
import type { SetupTokenRow } from './queries.js';

/**
 * What the setup page learns about its link: whether it still works, until when, for which
 * authority, and when it does not, why (used: the organisation exists, sign in; expired or
 * unknown: ask for a new link).
 */
export function toSetupStatusView(row: SetupTokenRow | undefined, clock: Clock): z.infer<typeof SetupStatus> {
  const state = !row ? 'unknown' : row.used_at ? 'used' : row.expires_at <= clock.now() ? 'expired' : 'usable';
  const code = row?.authority_code ?? null;
  return {
    valid: state === 'usable',
    state,
    expiresAt: state === 'usable' ? (row?.expires_at.toISOString() ?? null) : null,
    authority: code ? { code, ...AUTHORITY_NAMES[code] } : null,
  };
}
