import type { PermissionKey } from '../../../contracts/permissions.js';
import { AppError } from '../../core/errors.js';
import type { IncomingStateKey, ReturnStateKey, TaskStatusKey } from './types.js';

/**
 * The exchange's record-level rules, as pure functions: who may do what to a task or a return, which
 * states a return moves between, and when the deadline job reminds or escalates. Services call them
 * with plain values; nothing here reads the database.
 */

const DAY = 86_400_000;

// ---- People -------------------------------------------------------------------------------------

/** Owner, backup and checker as a procedure or a task names them (null: not named). */
export interface Duties {
  ownerId: string | null;
  backupId: string | null;
  checkerId: string | null;
}

/** Owner, backup and checker are three different people (where named): nobody checks their own work. */
export function assertThreePeople(p: Duties): void {
  const named = [p.ownerId, p.backupId, p.checkerId].filter((x): x is string => !!x);
  if (new Set(named).size !== named.length)
    throw new AppError('same_person_twice', { errors: [{ path: 'checkerId', code: 'same_person' }] });
}

/** A procedure is complete when it names all three. */
export const procedureComplete = (p: Duties): boolean => !!(p.ownerId && p.backupId && p.checkerId);

/** The owner or the backup prepares a return (generates, corrects, hands it on) and finishes a notice. */
export const mayPrepare = (userId: string, task: Pick<Duties, 'ownerId' | 'backupId'>): boolean =>
  userId === task.ownerId || userId === task.backupId;

/** Only the named checker approves or sends back, and never a return they prepared or own: two people, always. */
export function assertMayApprove(userId: string, task: Duties, preparedBy: string | null): void {
  if (!task.checkerId || task.checkerId !== userId) throw new AppError('not_checker');
  if ([task.ownerId, task.backupId, preparedBy].includes(userId)) throw new AppError('own_review');
}

export type Duty = 'owner' | 'backup' | 'checker';
export const DUTIES: readonly Duty[] = ['owner', 'backup', 'checker'];

/** The right each duty needs: the owner and the backup prepare, the checker approves. */
export const DUTY_PERMISSION = {
  owner: 'exchange.prepare',
  backup: 'exchange.prepare',
  checker: 'exchange.approve',
} as const satisfies Record<Duty, PermissionKey>;

/** Who fills one duty of a procedure: the person named (if any), whether their account is active, whether they hold the duty's right. */
export interface DutyHolder<C extends string = string> {
  category: C;
  duty: Duty;
  userId: string | null;
  nameZh: string | null;
  nameEn: string | null;
  active: boolean;
  holdsRight: boolean;
}

/** Why a duty is not covered: nobody named, the person's account is not active, or they lack the duty's right. */
export type DutyGap<C extends string = string> = Omit<DutyHolder<C>, 'active' | 'holdsRight'> & {
  reason: 'unnamed' | 'inactive' | 'lacks_right';
};

/**
 * Memo O1: a category is covered when its owner, backup and checker are each an active person who
 * holds the right the duty needs. Counted over every category there is (a category with no
 * procedure row lacks all three).
 */
export function procedureGaps<C extends string>(
  categories: readonly C[],
  holders: DutyHolder<C>[],
): { covered: number; gaps: DutyGap<C>[] } {
  const gaps: DutyGap<C>[] = [];
  let covered = 0;
  for (const category of categories) {
    let ok = true;
    for (const duty of DUTIES) {
      const h = holders.find((x) => x.category === category && x.duty === duty);
      const base = { category, duty, userId: h?.userId ?? null, nameZh: h?.nameZh ?? null, nameEn: h?.nameEn ?? null };
      const reason = !h?.userId ? 'unnamed' : !h.active ? 'inactive' : !h.holdsRight ? 'lacks_right' : null;
      if (reason) {
        gaps.push({ ...base, reason });
        ok = false;
      }
    }
    if (ok) covered++;
  }
  return { covered, gaps };
}

/**
 * A duty handed over to a successor (memo U3) who already has another duty in the same procedure
 * or task would make them check their own work: the duty is left unfilled instead, and shows as
 * missing until someone is named.
 */
export function successorFor(duties: Duties, duty: Duty, successorId: string): string | null {
  const others = DUTIES.filter((x) => x !== duty).map((x) => duties[`${x}Id`]);
  return others.includes(successorId) ? null : successorId;
}

// ---- Tasks --------------------------------------------------------------------------------------

/** A task submitted or done is closed: it is not assigned, finished or closed again. */
export const taskClosed = (status: TaskStatusKey): boolean => status === 'submitted' || status === 'done';

/** Naming the people makes an unassigned task assigned; any other keeps its status. */
export const statusAfterAssignment = (status: TaskStatusKey): TaskStatusKey => (status === 'unassigned' ? 'assigned' : status);

/** Lead days before the authority's deadline when the category has no procedure. */
export const DEFAULT_LEAD_DAYS = 3;

/**
 * The school's internal due date: the one given, else the authority's deadline less the
 * procedure's lead days. Never after the authority's deadline.
 */
export function internalDueOf(deadline: Date, leadDays: number | null, given?: string): Date {
  const due = given ? new Date(given) : new Date(deadline.getTime() - (leadDays ?? DEFAULT_LEAD_DAYS) * DAY);
  if (due > deadline) throw new AppError('dates_out_of_order', { errors: [{ path: 'internalDue', code: 'after_deadline' }] });
  return due;
}

/** A notice (no return asked) is finished by its owner or backup, once its content is imported, and only once. */
export function assertMayFinishNotice(
  userId: string,
  t: Pick<Duties, 'ownerId' | 'backupId'> & { status: TaskStatusKey; state: IncomingStateKey; hasTemplate: boolean },
): void {
  if (t.state !== 'imported') throw new AppError('content_locked');
  if (t.hasTemplate || taskClosed(t.status)) throw new AppError('return_state');
  if (!mayPrepare(userId, t)) throw new AppError('forbidden');
}

/** Only a message the school could not open (decrypt_failed, import_failed), still open, is closed by hand. */
export function assertMayCloseUnreadable(t: { status: TaskStatusKey; state: IncomingStateKey }): void {
  if (!(t.state === 'decrypt_failed' || t.state === 'import_failed') || taskClosed(t.status)) throw new AppError('return_state');
}

// ---- Returns ------------------------------------------------------------------------------------

/**
 * The steps a return takes, each allowed only from the states listed (DESIGN "Data exchange model":
 * draft → ready → rejected | processing → sent | send_failed → received). A return sent back or
 * refused goes round again; after a receipt only an amendment (a new return) changes anything.
 */
export const RETURN_STEPS = {
  /** Generated (again) from the school's records. */
  generate: { from: ['draft', 'rejected', 'send_failed'], to: 'draft' },
  /** Corrected by hand. */
  edit: { from: ['draft', 'rejected'], to: 'draft' },
  /** Handed to the checker. */
  ready: { from: ['draft', 'rejected', 'send_failed'], to: 'ready' },
  /** Sent back by the checker. */
  reject: { from: ['ready'], to: 'rejected' },
  /** Approved by the checker and packaged. */
  approve: { from: ['ready'], to: 'processing' },
  /** The package goes to the authority. */
  send: { from: ['processing'], to: 'sent' },
  /** The authority's receipt. */
  receive: { from: ['sent'], to: 'received' },
  /** The authority refused the package. */
  refuse: { from: ['sent'], to: 'send_failed' },
  /** After a receipt, a new draft as amendment n+1. */
  amend: { from: ['received'], to: 'draft' },
} as const satisfies Record<string, { from: readonly ReturnStateKey[]; to: ReturnStateKey }>;
export type ReturnStep = keyof typeof RETURN_STEPS;

export const mayStep = (step: ReturnStep, from: ReturnStateKey | undefined): boolean =>
  from !== undefined && (RETURN_STEPS[step].from as readonly ReturnStateKey[]).includes(from);

/** The state the step leads to, or `return_state` when the return is not where the step starts. */
export function assertStep<S extends ReturnStep>(step: S, from: ReturnStateKey | undefined): (typeof RETURN_STEPS)[S]['to'] {
  if (!mayStep(step, from)) throw new AppError('return_state');
  return RETURN_STEPS[step].to;
}

/**
 * Generating starts the first return or redoes the latest one; a return the authority has
 * received is never overwritten (that needs an amendment).
 */
export function assertMayGenerate(latest: ReturnStateKey | undefined): void {
  if (latest === undefined) return;
  if (latest === 'received') throw new AppError('already_received');
  assertStep('generate', latest);
}

/** What a package claims to answer, or what a delivery expects: the school, the message's reference and category, the amendment. */
export interface PackageClaim {
  schoolId: string;
  refNo: string;
  category: string;
  amendment: number;
}

/** A package answers one delivery: signed by its school, for its message's reference and category, at its amendment. */
export const packageFitsDelivery = (p: PackageClaim, delivery: PackageClaim | undefined): boolean =>
  !!delivery &&
  p.schoolId === delivery.schoolId &&
  p.refNo === delivery.refNo &&
  p.category === delivery.category &&
  p.amendment === delivery.amendment;

// ---- The school key -----------------------------------------------------------------------------

/** Wrong school keys allowed within the window before unlocking pauses. */
export const KEY_FAILURE_LIMIT = 5;
export const KEY_WINDOW_MS = 15 * 60_000;

/**
 * With `failures` wrong keys in the window (the oldest at `firstAt`): null while another try is
 * allowed, else the seconds until the oldest leaves the window (at least 1).
 */
export function keyRetryAfter(failures: number, firstAt: Date | null, now: number): number | null {
  if (failures < KEY_FAILURE_LIMIT) return null;
  return Math.max(1, Math.ceil(((firstAt?.getTime() ?? now) + KEY_WINDOW_MS - now) / 1000));
}

// ---- Reminders and escalation (memo O2) ---------------------------------------------------------

/** Reminders before the internal due date, in days. */
export const REMINDER_DAYS = [7, 3, 1] as const;
export const UNASSIGNED_ESCALATION_MS = 3 * DAY;
export const FINAL_HOURS_MS = 24 * 3600_000;

/**
 * The reminder that applies at `now` before the internal due date `due` (both in ms): only the
 * nearest, so a task assigned 2 days before its due date gets the 3-day one, once. Null when none.
 */
export function reminderDue(now: number, due: number): number | null {
  if (now >= due) return null;
  for (const [i, days] of REMINDER_DAYS.entries()) {
    const next = REMINDER_DAYS[i + 1] ?? 0;
    if (now >= due - days * DAY && now < due - next * DAY) return days;
  }
  return null;
}

export type Escalation = 'unassigned' | 'overdue' | 'unapproved';

/**
 * Why an open task goes to the principal at `now`: unassigned for 3 days since it arrived, past
 * its internal due date, or within 24 hours of the authority's deadline (and so not yet approved).
 */
export function escalationsDue(
  t: { status: TaskStatusKey; arrivedAt: Date; internalDue: Date; deadline: Date },
  now: number,
): Escalation[] {
  const out: Escalation[] = [];
  if (t.status === 'unassigned' && now >= t.arrivedAt.getTime() + UNASSIGNED_ESCALATION_MS) out.push('unassigned');
  if (now > t.internalDue.getTime()) out.push('overdue');
  if (now >= t.deadline.getTime() - FINAL_HOURS_MS) out.push('unapproved');
  return out;
}
