/**
 * Every in-app notification title the server can write. The web translates each
 * (`notifications.<title>` in both languages; test/unit/no-raw-codes.test.ts checks), so a new
 * notification without words fails the type check (the notify helpers take only these keys) or the test.
 */
export const NOTIFICATION_TITLES = [
  'accountLocked',
  'yourSignInPaused',
  'schoolKeyChanged',
  'schoolKeyLocked',
  'privilegedGranted',
  'privilegedRemoved',
  'checkFailing',
  'reviewReminder',
  'reviewOverdue',
  'reviewDue',
  'networkRefused',
  'ssoLinkSuspended',
  'ssoLinksSuspended',
  'exchange_arrived',
  'exchange_unassigned',
  'exchange_reminder',
  'exchange_authority_reminder',
  'exchange_escalation_unassigned',
  'exchange_escalation_overdue',
  'exchange_escalation_unapproved',
  'exchangeAssigned',
  'exchangeApproval',
  'exchangeRejected',
  'breakGlassUsed',
  'privilegedPasswordDue',
  'privilegedPasswordOverdue',
  'securityFinding',
  'routineDue',
  'dailyDigest',
  'askedToAct',
  'planningTaskDue',
  'planningStepDue',
] as const;
export type NotificationTitle = (typeof NOTIFICATION_TITLES)[number];
export type NotificationTitleKey = `notifications.${NotificationTitle}`;

/** What the exchange's daily job tells people about an open task (kind `exchange.<notice>`). */
export type ExchangeNotice =
  'arrived' | 'unassigned' | 'reminder' | 'authority_reminder' | 'escalation_unassigned' | 'escalation_overdue' | 'escalation_unapproved';

/**
 * Notification parameters that carry a code rather than words: the web shows the code's words
 * (a check key as the check's title) and never the code itself.
 */
export const CODE_PARAMS = { check: 'checkTitles' } as const;
