/** The exchange module's service (memo O1, O2): what routes and other modules may call. */
export * from './common.js';
export * from './authority.js';
export * from './inbox.js';
export * from './returns.js';
export * from './deadlines.js';
export { parseRules, checkRows, DEFAULT_RULES } from './rules.js';
