/** The exchange module (memo O1, O2): what its routes, the server and the scripts may call. */

// Shared shapes
export { type ExchangeDeps } from './common.js';
export { DEFAULT_RULES } from './rules.js';

// The authority: publish, follow progress, remind, send again, verify and open returns
export { listSchoolsForAuthority, publish } from './authority/publish.js';
export { resend } from './authority/resend.js';
export { listMessages, messageProgress } from './authority/progress.js';
export { remindLate } from './authority/reminders.js';
export { packageHashOf, verifyUploaded } from './authority/intake.js';
export { openPackage, packageFile } from './authority/packages.js';

// The school's inbox: list, unlock with the school key, assign, finish or close a task
export { attachment, inboxDetail, listInbox } from './inbox/list.js';
export { unlockInbox } from './inbox/unlock.js';
export { assignTask, closeUnreadable, markDone } from './inbox/assign.js';

// Procedures (memo O1) and the daily exchange log
export { listProcedures, putProcedure, reviewProcedures } from './inbox/procedures.js';
export { exchangeLog } from './inbox/log.js';

// For the planning calendar (memo O3): exchange tasks named by id, title, deadline and status
export { type ExchangeTaskBrief, exchangeTaskBriefs, findExchangeTaskBrief } from './inbox/briefs.js';

// Returns: generate or amend, correct, hand to the checker, approve and send, read
export { amendReturn, generateReturn } from './returns/generate.js';
export { editReturn } from './returns/correct.js';
export { explainException } from './returns/exceptions.js';
export { markReady, rejectReturn } from './returns/review.js';
export { approveReturn } from './returns/approve.js';
export { getReturn, returnPackage } from './returns/read.js';

// The school key: unlock (words or the person's window), rewrap on rotation (the security module's lifecycle)
export { type Unlocked, schoolKeyFor } from './key.js';
export { type RewrapResult, rewrapDeliveries, tellAuthoritiesKeyChanged, wrappedByKey } from './rewrap.js';

// The personal calendar feed
export { createFeed, feedCalendar, feedStatus, revokeFeed } from './feed.js';

// Scheduled work and governance checks (memo O2)
export { exchangeJob } from './jobs.js';
export { registerExchangeChecks } from './checks.js';

// For the handover (memo U3): procedure duties and open tasks pass to a successor
export { registerExchangeHoldings } from './holdings.js';
