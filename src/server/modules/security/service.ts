/** What the security module offers the rest of the server (explicit exports only). */
export { registerSecurityChecks } from './checks.js';

// Memo S2: security checks, findings and the system administrator's routine.
export { acceptFinding, reviewFinding } from './findings/accept.js';
export { noteRequest } from './findings/environment.js';
export { securityChecksJob } from './findings/job.js';
export { listSecurityFindings, securityPosture } from './findings/read.js';
export { runSecurityChecks } from './findings/run.js';
export { getRoutine } from './routine/read.js';
export { routineRemindersJob } from './routine/reminders.js';
export { completeTask, createTask, editTask } from './routine/tasks.js';

// Memo S1: privileged accounts (kinds, password age, the sealed break-glass account).
export { createBreakGlass, resealBreakGlassAccount } from './privileged/break-glass.js';
export { requireChange, setKind } from './privileged/accounts.js';
export { listPrivileged } from './privileged/list.js';
export { rotationWarningsJob } from './privileged/jobs.js';
export { setRotationPeriod } from './privileged/settings.js';

// Memo S1: the school key (unlock window, rotation, recovery shares).
export { type KeyDeps } from './key/common.js';
export { recoverKey } from './key/recover.js';
export { rotateKey } from './key/rotate.js';
export { confirmShare, issueShares } from './key/shares.js';
export { shareSheet } from './key/sheet.js';
export { keyStatus, setKeySettings } from './key/status.js';
export { lockSchoolKey, unlockSchoolKey, unlockState } from './key/unlock.js';
