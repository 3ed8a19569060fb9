import type { z } from 'zod';
import type { SessionView } from '../../../contracts/account.js';
import type { SsoConfigView } from '../../../contracts/admin.js';
import type { Me } from '../../../contracts/auth.js';
import { isSecurityPermission } from './permissions.js';
import type { MeRow } from './queries/users.js';
import type { SessionListRow } from './queries/sessions.js';
import type { SchoolSsoRow } from './queries/sso.js';
import type { Session } from './sessions.js';

/** The signed-in person: rights are listed only once sign-in is complete. */
export function toMeView(u: MeRow, s: Pick<Session, 'stage' | 'permissions'>, csrfToken: string): Me {
  const permissions = [...s.permissions].sort();
  return {
    user: {
      id: u.id,
      username: u.username,
      displayNameZh: u.display_name_zh,
      displayNameEn: u.display_name_en,
      email: u.email,
      locale: u.locale,
      mfaEnrolled: !!u.mfa_enrolled_at,
      mfaRequired: permissions.some(isSecurityPermission),
      recoveryCodesLeft: u.codes_left,
    },
    school: { id: u.school_id, nameZh: u.name_zh, nameEn: u.name_en, schoolNumber: u.school_number },
    stage: s.stage,
    permissions: s.stage === 'done' ? permissions : [],
    csrfToken,
  };
}

export function toSessionView(r: SessionListRow, currentTokenHash: Buffer): z.infer<typeof SessionView> {
  return {
    id: r.id,
    userId: r.user_id,
    username: r.username,
    displayName: r.display_name_zh ? `${r.display_name_en} ${r.display_name_zh}` : r.display_name_en,
    createdAt: r.created_at.toISOString(),
    lastSeenAt: r.last_seen_at.toISOString(),
    ip: r.ip,
    userAgent: r.user_agent,
    current: Buffer.from(r.token_hash).equals(currentTokenHash),
  };
}

/** The provider as administrators see it: whether a secret is set, never the secret. */
export function toSsoConfigView(s: SchoolSsoRow, redirectUri: string): z.infer<typeof SsoConfigView> {
  return {
    enabled: s.sso_enabled,
    issuer: s.sso_issuer,
    clientId: s.sso_client_id,
    hasSecret: !!s.sso_client_secret,
    emailLink: s.sso_email_link,
    providerMfa: { enabled: s.sso_mfa_trusted, amr: s.sso_mfa_amr, acr: s.sso_mfa_acr },
    reviewedAt: s.sso_reviewed_at?.toISOString() ?? null,
    redirectUri,
  };
}
