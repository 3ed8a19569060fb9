import { downloadRefusal, failureCode, type JobViewBody } from './policy.js';
import type { JobRow } from './queries.js';

export function toJobView(r: JobRow, now: Date): JobViewBody {
  const downloadable = downloadRefusal(r.status, r.has_result, r.expires_at, now) === null;
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    done: r.done,
    total: r.total,
    errorCode: r.status === 'failed' ? failureCode(r.error_code ?? undefined) : null,
    fileName: downloadable ? r.result_name : null,
    createdAt: r.created_at.toISOString(),
    expiresAt: downloadable ? (r.expires_at?.toISOString() ?? null) : null,
  };
}
