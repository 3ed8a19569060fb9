/** What the planning module offers the rest of the server (explicit exports only). */

// Memo O3, the annual work calendar: templates by month, a year's tasks, owners, done, exchange links, reminders
export { getCalendar, getExchangeLinks, getPlanningPeople } from './calendar/read.js';
export { createTemplate, editTemplate, getTemplates } from './calendar/templates.js';
export { instantiateYear } from './calendar/instantiate.js';
export { editTask, markTaskDone, reopenTask } from './calendar/tasks.js';
export { planningRemindersJob } from './calendar/reminders.js';

// Memo O3, the transition plan into the next year (ordered, dependent steps) and the module's memo checks
export { getTransition } from './plan/read.js';
export { createPlan, editStep, markStepDone, reopenStep } from './plan/steps.js';
export { registerPlanningChecks } from './checks.js';

// Memo O3, the year rollover: plan the new year (classes, promotion, intake, class numbers), preview, dry run, migrate, reset, undo
export {
  clearRolloverDecision,
  createRolloverPlan,
  getRolloverPlan,
  resetRolloverPlan,
  savePlanClasses,
  setPlanNumberOrder,
  setRolloverDecision,
} from './rollover/plan.js';
export { getPreview as getRolloverPreview } from './rollover/preview.js';
export { importIntake } from './rollover/intake.js';
export { migrateToNewYear, rolloverDryRun, undoMigration } from './rollover/migrate.js';
