/** The governance module: the principal's dashboard, its read-only item views, "ask them to act", and the daily digest. */
export { askOwner } from './ask.js';
export { readCheck, readDashboard } from './dashboard.js';
export type { GovernanceDeps } from './deps.js';
export { digestJob, sendDigests } from './digest/job.js';
export { registerFoundationChecks } from './checks.js';
