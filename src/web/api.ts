import type { z } from 'zod';
import type { ErrorCode, Problem } from '../contracts/errors.js';
import { ERROR_CODES } from '../contracts/errors.js';
import type { Me as MeSchema, SetupStatus, SetupResult, SetupKeyResult, LoginResult } from '../contracts/auth.js';
import type { MfaEnrolStart, NotificationList, NotificationView, RecoveryCodes, SessionList, SessionView } from '../contracts/account.js';
import type { Dashboard, CheckView } from '../contracts/governance.js';
import type { AuditCheckpointView, AuditPage, AuditEntry, OutboxPage, OutboxEntry } from '../contracts/audit.js';
import type {
  AccessMatrix,
  AccessRow,
  HandoverPlanList,
  HandoverPlanView,
  SsoConfigView as SsoConfigSchema,
  NetworkView as NetworkViewSchema,
  NotificationListView as SecurityListSchema,
  PermissionList,
  PermissionView,
  ReviewDetail,
  ReviewList,
  ReviewView,
  RoleDetail,
  RoleList,
  RoleView,
  SchoolSettings,
  SecurityEvent as SecurityEventSchema,
  UserList,
  UserView,
} from '../contracts/admin.js';
import type {
  ClassList,
  ClassView,
  ImportReport,
  PlacementView,
  RevealResult,
  StaffList,
  StaffView,
  StudentDetail,
  StudentList,
  StudentListItem,
  SubjectList,
  SubjectView,
  YearList,
  YearView,
} from '../contracts/school.js';
import type {
  AuthoritySchoolList,
  CalendarFeed as CalendarFeedSchema,
  ExchangeLog as ExchangeLogSchema,
  InboxDetail as InboxDetailSchema,
  InboxList as InboxListSchema,
  MessageList as MessageListSchema,
  MessageProgress as MessageProgressSchema,
  OpenedPackage as OpenedPackageSchema,
  ProcedureList as ProcedureListSchema,
  PublishResult as PublishResultSchema,
  ReturnView as ReturnViewSchema,
  UnlockResult as UnlockResultSchema,
  VerifyResult as VerifyResultSchema,
} from '../contracts/exchange.js';

export type Me = z.infer<typeof MeSchema>;
export type SetupStatusView = z.infer<typeof SetupStatus>;
export type SetupResultView = z.infer<typeof SetupResult>;
export type SetupKeyView = z.infer<typeof SetupKeyResult>;
export type LoginResultView = z.infer<typeof LoginResult>;
export type MfaEnrolStartView = z.infer<typeof MfaEnrolStart>;
export type RecoveryCodesView = z.infer<typeof RecoveryCodes>;
export type SessionListView = z.infer<typeof SessionList>;
export type Session = z.infer<typeof SessionView>;
export type NotificationListView = z.infer<typeof NotificationList>;
export type Notification = z.infer<typeof NotificationView>;
export type DashboardView = z.infer<typeof Dashboard>;
export type Check = z.infer<typeof CheckView>;
export type AuditPageView = z.infer<typeof AuditPage>;
export type AuditRecord = z.infer<typeof AuditEntry>;
export type AuditCheckpointInfo = z.infer<typeof AuditCheckpointView>;
export type OutboxPageView = z.infer<typeof OutboxPage>;
export type OutboxMail = z.infer<typeof OutboxEntry>;
export type UserListView = z.infer<typeof UserList>;
export type User = z.infer<typeof UserView>;
export type RoleListView = z.infer<typeof RoleList>;
export type Role = z.infer<typeof RoleView>;
export type RoleDetailView = z.infer<typeof RoleDetail>;
export type RoleMember = RoleDetailView['members'][number];
export type GrantScope = RoleDetailView['grants'][number]['scope'];
export type PermissionListView = z.infer<typeof PermissionList>;
export type Permission = z.infer<typeof PermissionView>;
export type AccessMatrixView = z.infer<typeof AccessMatrix>;
export type AccessEntry = z.infer<typeof AccessRow>;
export type SchoolSettingsView = z.infer<typeof SchoolSettings>;
export type ReviewListView = z.infer<typeof ReviewList>;
export type Review = z.infer<typeof ReviewView>;
export type ReviewDetailView = z.infer<typeof ReviewDetail>;
export type ReviewItem = ReviewDetailView['items'][number];
export type NetworkPolicyView = z.infer<typeof NetworkViewSchema>;
export type NetworkZone = NetworkPolicyView['zones'][number];
export type TimeProfile = NetworkPolicyView['profiles'][number];
export type NetworkRuleView = NetworkPolicyView['rules'][number];
export type SecurityListView = z.infer<typeof SecurityListSchema>;
export type SecurityListEntry = SecurityListView['entries'][number];
export type SecurityEventKey = z.infer<typeof SecurityEventSchema>;
export type HandoverPlanListView = z.infer<typeof HandoverPlanList>;
export type HandoverPlanSummary = HandoverPlanListView['plans'][number];
export type HandoverPlan = z.infer<typeof HandoverPlanView>;
export type HandoverItem = HandoverPlan['items'][number];
export type SsoConfig = z.infer<typeof SsoConfigSchema>;
export type SsoMode = 'local' | 'allowed' | 'required';
export type YearListView = z.infer<typeof YearList>;
export type Year = z.infer<typeof YearView>;
export type ClassListView = z.infer<typeof ClassList>;
export type SchoolClass = z.infer<typeof ClassView>;
export type SubjectListView = z.infer<typeof SubjectList>;
export type Subject = z.infer<typeof SubjectView>;
export type StaffListView = z.infer<typeof StaffList>;
export type StaffMember = z.infer<typeof StaffView>;
export type StudentListView = z.infer<typeof StudentList>;
export type StudentRow = z.infer<typeof StudentListItem>;
export type StudentDetailView = z.infer<typeof StudentDetail>;
export type Placement = z.infer<typeof PlacementView>;
export type RevealResultView = z.infer<typeof RevealResult>;
export type ImportReportView = z.infer<typeof ImportReport>;
export type InboxListView = z.infer<typeof InboxListSchema>;
export type InboxItemView = InboxListView['items'][number];
export type InboxDetailView = z.infer<typeof InboxDetailSchema>;
export type ExchangeEventView = InboxDetailView['events'][number];
export type ReturnSummaryView = InboxDetailView['returns'][number];
export type UnlockResultView = z.infer<typeof UnlockResultSchema>;
export type ReturnViewData = z.infer<typeof ReturnViewSchema>;
export type ReturnFileView = ReturnViewData['files'][number];
export type ReturnProblem = ReturnViewData['problems'][number];
export type ProcedureListView = z.infer<typeof ProcedureListSchema>;
export type ProcedureItem = ProcedureListView['procedures'][number];
export type ExchangePerson = ProcedureListView['people'][number];
export type ExchangeLogView = z.infer<typeof ExchangeLogSchema>;
export type CalendarFeedView = z.infer<typeof CalendarFeedSchema>;
export type AuthoritySchoolListView = z.infer<typeof AuthoritySchoolList>;
export type AuthoritySchoolView = AuthoritySchoolListView['schools'][number];
export type PublishResultView = z.infer<typeof PublishResultSchema>;
export type MessageListView = z.infer<typeof MessageListSchema>;
export type MessageSummaryView = MessageListView['messages'][number];
export type MessageProgressView = z.infer<typeof MessageProgressSchema>;
export type SchoolProgressView = MessageProgressView['schools'][number];
export type OpenedPackageView = z.infer<typeof OpenedPackageSchema>;
export type VerifyResultView = z.infer<typeof VerifyResultSchema>;
export interface Created {
  id: string;
}

export interface FieldProblem {
  path: string;
  code: string;
}

/** A failed request, carrying the server's problem (or `internal` when the answer was not one). */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldProblem[];
  readonly retryAfter: number | undefined;
  /** Which network rule refused a sign-in (`zone_not_allowed`, `outside_hours`); never the configuration. */
  readonly rule: string | undefined;

  constructor(status: number, code: ErrorCode, errors: FieldProblem[] = [], retryAfter?: number, rule?: string) {
    super(code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.retryAfter = retryAfter;
    this.rule = rule;
  }
}

let csrfToken: string | null = null;

/** Set from `Me.csrfToken` whenever the session is (re)loaded; sent on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const isErrorCode = (value: unknown): value is ErrorCode => typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const headerRetry = Number(response.headers.get('retry-after'));
  if (!isRecord(body)) {
    const code: ErrorCode = response.status === 401 ? 'unauthenticated' : response.status === 403 ? 'forbidden' : 'internal';
    return new ApiError(response.status, code, [], Number.isFinite(headerRetry) && headerRetry > 0 ? headerRetry : undefined);
  }
  const problem = body as Partial<Problem>;
  const code: ErrorCode = isErrorCode(problem.code) ? problem.code : 'internal';
  const errors = Array.isArray(problem.errors)
    ? problem.errors.filter((e): e is FieldProblem => isRecord(e) && typeof e.path === 'string' && typeof e.code === 'string')
    : [];
  const retryAfter =
    typeof problem.retryAfter === 'number' ? problem.retryAfter : Number.isFinite(headerRetry) && headerRetry > 0 ? headerRetry : undefined;
  const rule = typeof problem.rule === 'string' && /^[a-z_]{1,40}$/.test(problem.rule) ? problem.rule : undefined;
  return new ApiError(response.status, code, errors, retryAfter, rule);
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

async function request<T>(method: Method, path: string, body?: unknown, retried = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (method !== 'GET') {
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
    if (method !== 'DELETE' || body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body ?? {});
    }
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'internal');
  }
  // The server gives a session a new id (and so a new CSRF token) when the person's rights change.
  const rotated = response.headers.get('x-csrf-token');
  if (rotated) csrfToken = rotated;
  if (!response.ok) {
    const error = await toApiError(response);
    if (error.code === 'csrf_failed' && !retried) {
      const me = await request<{ csrfToken: string }>('GET', '/api/auth/me').catch(() => null);
      if (me) {
        csrfToken = me.csrfToken;
        return request<T>(method, path, body, true);
      }
    }
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T = void>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T = void>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T = void>(path: string) => request<T>('DELETE', path),
};

/** Where a write with upload progress is: sending the body (with a fraction), or waiting for the answer. */
export type UploadProgress = { phase: 'uploading'; fraction: number } | { phase: 'processing' };

function sendWithXhr(path: string, payload: string, onProgress: (progress: UploadProgress) => void): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', 'application/json');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress({ phase: 'uploading', fraction: Math.min(1, event.loaded / event.total) });
    };
    xhr.upload.onload = () => onProgress({ phase: 'processing' });
    xhr.onload = () => {
      const headers = new Headers();
      for (const line of xhr
        .getAllResponseHeaders()
        .trim()
        .split(/[\r\n]+/)) {
        const at = line.indexOf(':');
        if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      // A Response lets the answer go through the same problem handling as every other call.
      const status = xhr.status >= 200 && xhr.status <= 599 ? xhr.status : 500;
      resolve(new Response(status === 204 ? null : xhr.responseText, { status, headers }));
    };
    xhr.onerror = () => reject(new ApiError(0, 'internal'));
    xhr.onabort = () => reject(new ApiError(0, 'internal'));
    onProgress({ phase: 'uploading', fraction: 0 });
    xhr.send(payload);
  });
}

/**
 * A JSON POST that reports upload progress (fetch cannot), for large bodies such as an imported file.
 * Same CSRF handling as `api.post`: the token is sent, a rotated one is kept, a stale one is renewed once.
 */
export async function postWithProgress<T>(path: string, body: unknown, onProgress: (progress: UploadProgress) => void): Promise<T> {
  const payload = JSON.stringify(body);
  for (let attempt = 0; ; attempt++) {
    const response = await sendWithXhr(path, payload, onProgress);
    const rotated = response.headers.get('x-csrf-token');
    if (rotated) csrfToken = rotated;
    if (response.ok) {
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    }
    const error = await toApiError(response);
    if (error.code === 'csrf_failed' && attempt === 0) {
      const me = await request<{ csrfToken: string }>('GET', '/api/auth/me').catch(() => null);
      if (me) {
        csrfToken = me.csrfToken;
        continue;
      }
    }
    throw error;
  }
}

/**
 * A JSON POST whose answer is a file (a printed sheet made at that moment, e.g. the break-glass PDF):
 * the same CSRF handling as `api.post`, the problem translated as any other.
 */
export async function postForFile(path: string, body: unknown = {}): Promise<Blob> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { accept: 'application/pdf, application/json', 'content-type': 'application/json' };
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
    let response: Response;
    try {
      response = await fetch(path, { method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'internal');
    }
    const rotated = response.headers.get('x-csrf-token');
    if (rotated) csrfToken = rotated;
    if (response.ok) return response.blob();
    const error = await toApiError(response);
    if (error.code === 'csrf_failed' && attempt === 0) {
      const me = await request<{ csrfToken: string }>('GET', '/api/auth/me').catch(() => null);
      if (me) {
        csrfToken = me.csrfToken;
        continue;
      }
    }
    throw error;
  }
}

/** Builds `?a=1&b=2` from the defined, non-empty values. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
