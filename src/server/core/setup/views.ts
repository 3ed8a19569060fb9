import type { z } from 'zod';
import type { SetupStatus } from '../../../contracts/auth.js';
import { AUTHORITY_NAMES } from './authorities.js';
import type { SetupTokenRow } from './queries.js';

/** What the setup page learns about its link: whether it still works, until when, and for which authority. */
export function toSetupStatusView(row: SetupTokenRow | undefined): z.infer<typeof SetupStatus> {
  const code = row?.authority_code ?? null;
  return { valid: !!row, expiresAt: row?.expires_at.toISOString() ?? null, authority: code ? { code, ...AUTHORITY_NAMES[code] } : null };
}
