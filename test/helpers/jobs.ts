import type { LightMyRequestResponse } from 'fastify';
import type { TestServer } from './server.js';

export interface ExportAsk {
  format: 'csv' | 'xlsx';
  lang?: 'en' | 'zh';
  classId?: string;
}

/**
 * An export as the screen makes it: start the background job, follow it to its end, download the file.
 * Answers the file's response (or the refusal's, when the job could not be started or failed).
 */
export async function exportFile(
  s: TestServer,
  cookie: string,
  kind: 'students' | 'staff',
  ask: ExportAsk,
): Promise<LightMyRequestResponse> {
  const me = await s.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
  const csrf = me.json<{ csrfToken?: string }>().csrfToken ?? '';
  const started = await s.app.inject({
    method: 'POST',
    url: `/api/jobs/${kind}-export`,
    headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
    payload: JSON.stringify(ask),
  });
  if (started.statusCode !== 202) return started;
  const id = started.json<{ id: string }>().id;
  for (let i = 0; i < 600; i++) {
    const job = await s.app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: { cookie } });
    const status = job.json<{ status: string }>().status;
    if (status === 'done') return s.app.inject({ method: 'GET', url: `/api/jobs/${id}/file`, headers: { cookie } });
    if (status === 'failed') return job;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`export job ${id} did not finish`);
}
