import type { CheckRegistry } from '../../core/checks/registry.js';
import { registerKeyChecks } from './key/checks.js';
import { registerFindingChecks } from './findings/memo-check.js';
import { registerPrivilegedChecks } from './privileged/checks.js';

/** The security module's memo checks (S1 school key and privileged passwords, S2 security review), one register call per area. */
export function registerSecurityChecks(registry: CheckRegistry): void {
  registerKeyChecks(registry);
  registerFindingChecks(registry);
  registerPrivilegedChecks(registry);
}
