import type { CheckRegistry } from '../../core/checks/registry.js';
import { registerFindingChecks } from './findings/memo-check.js';
import { registerPrivilegedChecks } from './privileged/checks.js';

/** The security module's memo checks (S1 school key and privileged passwords, S2 security review), one register call per area. */
export function registerSecurityChecks(registry: CheckRegistry): void {
  registerFindingChecks(registry);
  registerPrivilegedChecks(registry);
}
