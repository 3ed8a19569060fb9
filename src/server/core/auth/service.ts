// What core/auth offers to the routes, the app and the modules: the sign-in steps and the account
// operations, each in its own file.

// Dependencies and helpers other code builds on
export { type AuthDeps, type Origin, hashFor } from './common.js';
// Signing in and out
export { login, signInOptions } from './signin.js';
export { logout } from './signout.js';
// The second factor: verifying a code, enrolling an authenticator, recovery codes
export { verifyMfa } from './mfa.js';
export { confirmEnrolment, startEnrolment } from './mfa-enrolment.js';
export { regenerateRecoveryCodes } from './recovery-codes.js';
// One's own account
export { changePassword } from './password-change.js';
export { passwordReused } from './password-history.js';
export { changeLocale, getMe } from './account.js';
// Sessions: rotation after a change of rights, listing and ending them
export { rotateForRights } from './rotation.js';
export { endSession, listSessions } from './session-list.js';
// Network rules (memo U2): a refused request is recorded and announced
export { networkRefused } from './network-refused.js';
