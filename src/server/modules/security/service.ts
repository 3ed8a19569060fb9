/** What the security module offers the rest of the server (explicit exports only). */
export { registerSecurityChecks } from './checks.js';
