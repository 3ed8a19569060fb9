import type { ErrorCode, Problem } from '../../contracts/errors.js';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  malformed_json: 400,
  body_too_large: 413,
  unsupported_media_type: 415,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  csrf_failed: 403,
  invalid_credentials: 401,
  account_locked: 423,
  account_disabled: 403,
  mfa_required: 401,
  mfa_invalid: 401,
  mfa_enrolment_required: 403,
  password_change_required: 403,
  password_too_short: 400,
  password_too_long: 400,
  password_common: 400,
  password_contains_name: 400,
  password_reused: 400,
  setup_token_invalid: 400,
  username_taken: 409,
  school_number_taken: 409,
  grant_not_held: 403,
  last_admin: 409,
  session_expired: 401,
  version_conflict: 409,
  hkid_invalid: 400,
  strn_invalid: 400,
  class_number_taken: 409,
  year_finished: 409,
  year_invalid: 400,
  reg_no_taken: 409,
  strn_taken: 409,
  staff_code_taken: 409,
  class_code_taken: 409,
  subject_code_taken: 409,
  dates_out_of_order: 400,
  file_not_spreadsheet: 415,
  import_invalid: 422,
  review_incomplete: 409,
  own_review: 403,
  network_refused: 403,
  cidr_invalid: 400,
  zones_overlap: 409,
  time_profile_invalid: 400,
  network_self_lockout: 409,
  handover_incomplete: 409,
  own_handover: 403,
  sso_required: 403,
  sso_unavailable: 404,
  sso_issuer_unreachable: 400,
  sso_failed: 401,
  deadline_past: 400,
  template_invalid: 400,
  audience_empty: 400,
  attachment_too_large: 413,
  content_locked: 409,
  school_key_wrong: 400,
  return_invalid: 422,
  return_state: 409,
  not_checker: 403,
  already_received: 409,
  package_tampered: 422,
  package_wrong_key: 422,
  same_person_twice: 400,
  person_lacks_right: 400,
  authority_only: 403,
  internal: 500,
};

/** Every error a route answers with. Throw it; the one error handler turns it into problem+json. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly extra: Pick<Problem, 'errors' | 'retryAfter' | 'rule'> = {},
  ) {
    super(code);
    this.status = STATUS[code];
  }
}

export function problem(code: ErrorCode, extra: Pick<Problem, 'errors' | 'retryAfter' | 'rule'> = {}): Problem {
  return { type: `about:blank#${code}`, title: code.replace(/_/g, ' '), status: STATUS[code], code, ...extra };
}
