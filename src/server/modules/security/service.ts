/** What the security module offers the rest of the server (explicit exports only). */
export { registerSecurityChecks } from './checks.js';

// Memo S1: privileged accounts (kinds, password age, the sealed break-glass account).
export { createBreakGlass, resealBreakGlassAccount } from './privileged/break-glass.js';
export { requireChange, setKind } from './privileged/accounts.js';
export { listPrivileged } from './privileged/list.js';
export { rotationWarningsJob } from './privileged/jobs.js';
export { setRotationPeriod } from './privileged/settings.js';
