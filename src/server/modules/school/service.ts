/** The school records module's service: what its routes and other modules may call, and nothing else. */

// What every operation is given
export type { SchoolDeps } from './common.js';

// School years, classes and subjects
export { createYear, listYears, makeCurrent, yearsOn } from './years.js';
export { createClass, createClassSubject, listClasses, listClassSubjects } from './classes.js';
export { createSubject, listSubjects } from './subjects.js';

// Staff
export { createStaff, listStaff, updateStaff } from './staff.js';

// Students (data scope: the whole school, or one's own classes)
export { getStudent, listStudents } from './students/list.js';
export { createStudent, updateStudent } from './students/edit.js';
export { moveStudent } from './students/placement.js';
export { revealId } from './students/reveal.js';
export { getContacts, updateContacts } from './students/contacts.js';
// For the exchange: a correction typed into a survey return also corrects the student's record (same checks, same transaction)
export { CORRECTABLE_PARTICULARS, type ParticularsPatch, correctStudentParticulars } from './students/correct.js';

// At start-up: identity numbers stored before they were encrypted are sealed (once)
export { sealStoredIdNumbers } from './students/seal-stored-ids.js';

// Import (preview, then commit) and export
export { IMPORT_PERMISSION, assertMayImport } from './policy.js';
export { importFile } from './imports/pipeline.js';
export { exportStaff, exportStudents } from './exports.js';
export type { SheetProgress } from './spreadsheet.js';

// For the exchange module: survey returns generated from the records, and the levels a school teaches
export {
  type Generated,
  type RollExceptionView,
  classSubjectReturn,
  enrolmentReturn,
  enrolmentStartReturn,
  headcountReturn,
  levelsOfSchools,
  returnTotals,
} from './returns.js';

// For the planning module's year rollover: the year's roll and classes, and a migration's writes and undo, on the caller's transaction
export {
  type RolloverSource,
  type RolloverUndo,
  type RolloverWrite,
  type RolloverWritten,
  type RollStudentRow,
  type SourceClassRow,
  applyRollover,
  rolloverChecksums,
  rolloverSource,
  rolloverCurrentYear,
  rolloverSourceClasses,
  rolloverStudent,
  rolloverYear,
  undoRollover,
} from './rollover.js';

// For the handover: class and subject teacher duties pass to a successor
export { registerSchoolHoldings } from './holdings.js';
