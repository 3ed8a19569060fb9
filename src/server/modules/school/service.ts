/** The school records module's service: what routes and other modules may call. */
export * from './years.js';
export * from './staff.js';
export * from './students.js';
export * from './imports.js';
export * from './exports.js';
export * from './holdings.js';
export * from './returns.js';
