import type { FastifyBaseLogger } from 'fastify';
import type { SchoolDeps } from '../school/service.js';
import type { JobParams } from './kinds.js';

/** What the jobs module needs: the school records' deps (the work runs there) and a log for failures nobody asked about. */
export interface JobDeps extends SchoolDeps {
  log: FastifyBaseLogger;
}

/** A kind of job with what it was asked for. */
export type JobRequest = { [K in keyof JobParams]: { kind: K; params: JobParams[K] } }[keyof JobParams];
