/** Stable error codes. The web translates `errors.<code>`; the server never sends a sentence to show. */
export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'malformed_json',
  'body_too_large',
  'unsupported_media_type',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'csrf_failed',
  'invalid_credentials',
  'account_locked',
  'account_disabled',
  'mfa_required',
  'mfa_invalid',
  'mfa_enrolment_required',
  'password_change_required',
  'password_too_short',
  'password_too_long',
  'password_common',
  'password_contains_name',
  'password_reused',
  'setup_token_invalid',
  'username_taken',
  'school_number_taken',
  'grant_not_held',
  'last_admin',
  'session_expired',
  'version_conflict',
  'hkid_invalid',
  'strn_invalid',
  'class_number_taken',
  'year_finished',
  'year_invalid',
  'reg_no_taken',
  'strn_taken',
  'staff_code_taken',
  'class_code_taken',
  'subject_code_taken',
  'dates_out_of_order',
  'file_not_spreadsheet',
  'import_invalid',
  'review_incomplete',
  'own_review',
  'network_refused',
  'cidr_invalid',
  'zones_overlap',
  'time_profile_invalid',
  'network_self_lockout',
  'handover_incomplete',
  'own_handover',
  'sso_required',
  'sso_unavailable',
  'sso_issuer_unreachable',
  'sso_failed',
  'deadline_past',
  'template_invalid',
  'audience_empty',
  'attachment_too_large',
  'content_locked',
  'school_key_wrong',
  'return_invalid',
  'return_state',
  'not_checker',
  'already_received',
  'package_tampered',
  'package_wrong_key',
  'same_person_twice',
  'person_lacks_right',
  'authority_only',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  /** For validation problems: which fields failed and why (machine codes, translated by the web). */
  errors?: { path: string; code: string }[];
  /** Seconds until a locked account or a rate limit lets the caller try again. */
  retryAfter?: number;
  /** Which rule refused a sign-in by network (`zone_not_allowed`, `outside_hours`), never the configuration. */
  rule?: string;
}
