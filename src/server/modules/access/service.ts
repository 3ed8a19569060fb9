/** What the access module offers to its routes and to the server: roles, accounts, reviews, network rules, handover. */

// User administration
export { listUsers } from './users/list.js';
export { createUser } from './users/create.js';
export { resetPassword, unlockUser } from './users/accounts.js';
export { setUserRoles } from './users/roles.js';
// Grant what you hold, outrank whom you act on: for other modules that act on accounts (security's privileged accounts)
export { assertMayGrant, assertOutranks } from './policy.js';
// The school's limits and the permission catalogue it may grant
export { getSettings, permissionCatalogue, putSettings } from './settings.js';
// Role editor (memo U1)
export { accessMatrix, getRole, listRoles } from './roles/read.js';
export { roleNames } from './roles/names.js';
export { copyRole, createRole, deleteRole, updateRole } from './roles/edit.js';
export { addMember, removeMember } from './roles/members.js';
export { roleDatesJob } from './roles/dates-job.js';
// Access-review campaigns (memo U1)
export { getReview, listReviews } from './reviews/read.js';
export { startReview } from './reviews/start.js';
export { previewReview } from './reviews/preview.js';
export { decide } from './reviews/decide.js';
export { decideBulk } from './reviews/decide-bulk.js';
export { undoBatch } from './reviews/undo.js';
export { completeReview } from './reviews/complete.js';
export { reviewReport, reviewReportPdf } from './reviews/report.js';
export { reviewRemindersJob } from './reviews/reminders.js';
// Network zones and time profiles (memo U2): the gate the guard asks, and its administration
export { NetworkPolicy } from './network.js';
export { getNetwork } from './network/read.js';
export { createProfile, createZone, deleteZone } from './network/zones.js';
export { markNetworkReviewed, setHolidays, setNetworkSettings, setRules } from './network/rules.js';
// Security notification list (memo U1)
export { getNotificationList, putNotificationList, signOffNotificationList } from './notification-list.js';
// Handover (memo U3)
export { registerAccessHoldings } from './handover/holdings.js';
export { createPlan, getPlan, listPlans, setSuccessor } from './handover/plans.js';
export { approvePlan } from './handover/approve.js';
export { handoverJob } from './handover/job.js';
// Governance checks (memo U1, U2, U3)
export { registerAccessChecks } from './checks.js';
