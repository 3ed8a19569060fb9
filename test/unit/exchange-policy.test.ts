import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/server/core/errors.js';
import {
  KEY_FAILURE_LIMIT,
  KEY_WINDOW_MS,
  RETURN_STEPS,
  type ReturnStep,
  assertMayApprove,
  assertMayCloseUnreadable,
  assertMayFinishNotice,
  assertMayGenerate,
  assertStep,
  assertThreePeople,
  escalationsDue,
  internalDueOf,
  keyRetryAfter,
  mayPrepare,
  mayStep,
  packageFitsDelivery,
  procedureComplete,
  reminderDue,
  statusAfterAssignment,
  taskClosed,
} from '../../src/server/modules/exchange/policy.js';
import type { ReturnStateKey, TaskStatusKey } from '../../src/server/modules/exchange/types.js';

/** The error code a rule throws, or null when it lets the case through. */
function codeOf(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const [owner, backup, checker, other] = ['u-owner', 'u-backup', 'u-checker', 'u-other'] as const;
const duties = { ownerId: owner, backupId: backup, checkerId: checker };

describe('owner, backup and checker are three different people', () => {
  it('lets three different people through, and any of them left unnamed', () => {
    expect(codeOf(() => assertThreePeople(duties))).toBeNull();
    expect(codeOf(() => assertThreePeople({ ownerId: owner, backupId: null, checkerId: null }))).toBeNull();
    expect(codeOf(() => assertThreePeople({ ownerId: null, backupId: null, checkerId: null }))).toBeNull();
  });
  it('refuses one person named twice, in any two places, with its own code', () => {
    expect(codeOf(() => assertThreePeople({ ownerId: owner, backupId: backup, checkerId: owner }))).toBe('same_person_twice');
    expect(codeOf(() => assertThreePeople({ ownerId: owner, backupId: owner, checkerId: null }))).toBe('same_person_twice');
    expect(codeOf(() => assertThreePeople({ ownerId: null, backupId: checker, checkerId: checker }))).toBe('same_person_twice');
  });
  it('answers 400 (bad input) and points at the checker', () => {
    expect(() => assertThreePeople({ ownerId: owner, backupId: backup, checkerId: owner })).toThrow(
      expect.objectContaining({ status: 400, extra: { errors: [{ path: 'checkerId', code: 'same_person' }] } }),
    );
  });
  it('a procedure is complete only when it names all three', () => {
    expect(procedureComplete(duties)).toBe(true);
    expect(procedureComplete({ ...duties, backupId: null })).toBe(false);
    expect(procedureComplete({ ...duties, checkerId: null })).toBe(false);
  });
});

describe('who prepares and who approves', () => {
  it('the owner and the backup prepare; the checker and anyone else do not', () => {
    expect(mayPrepare(owner, duties)).toBe(true);
    expect(mayPrepare(backup, duties)).toBe(true);
    expect(mayPrepare(checker, duties)).toBe(false);
    expect(mayPrepare(other, { ownerId: null, backupId: null })).toBe(false);
  });
  it('only the named checker approves', () => {
    expect(codeOf(() => assertMayApprove(checker, duties, owner))).toBeNull();
    expect(codeOf(() => assertMayApprove(other, duties, owner))).toBe('not_checker');
    expect(codeOf(() => assertMayApprove(owner, duties, owner))).toBe('not_checker');
    expect(codeOf(() => assertMayApprove(checker, { ...duties, checkerId: null }, owner))).toBe('not_checker');
  });
  it('nobody approves a return they prepared or own, even when named checker', () => {
    expect(codeOf(() => assertMayApprove(checker, duties, checker))).toBe('own_review');
    expect(codeOf(() => assertMayApprove(checker, { ...duties, ownerId: checker }, owner))).toBe('own_review');
    expect(codeOf(() => assertMayApprove(checker, { ...duties, backupId: checker }, null))).toBe('own_review');
  });
});

describe('the steps a return takes', () => {
  const states: ReturnStateKey[] = ['draft', 'ready', 'rejected', 'processing', 'sent', 'send_failed', 'received'];
  const allowed = (step: ReturnStep) => states.filter((s) => mayStep(step, s));

  it('follows draft → ready → rejected | processing → sent | send_failed → received', () => {
    expect(RETURN_STEPS.ready.to).toBe('ready');
    expect(allowed('ready')).toEqual(['draft', 'rejected', 'send_failed']);
    expect(allowed('reject')).toEqual(['ready']);
    expect(allowed('approve')).toEqual(['ready']);
    expect(RETURN_STEPS.approve.to).toBe('processing');
    expect(allowed('send')).toEqual(['processing']);
    expect(allowed('receive')).toEqual(['sent']);
    expect(allowed('refuse')).toEqual(['sent']);
    expect(RETURN_STEPS.refuse.to).toBe('send_failed');
  });
  it('is corrected by hand only as a draft or when sent back; generated again also after a refusal', () => {
    expect(allowed('edit')).toEqual(['draft', 'rejected']);
    expect(allowed('generate')).toEqual(['draft', 'rejected', 'send_failed']);
  });
  it('after a receipt only an amendment starts anything', () => {
    expect(allowed('amend')).toEqual(['received']);
    for (const step of Object.keys(RETURN_STEPS) as ReturnStep[]) if (step !== 'amend') expect(mayStep(step, 'received')).toBe(false);
  });
  it('answers return_state for a step from the wrong state, and names where a step leads', () => {
    expect(assertStep('ready', 'draft')).toBe('ready');
    expect(assertStep('reject', 'ready')).toBe('rejected');
    expect(codeOf(() => assertStep('approve', 'draft'))).toBe('return_state');
    expect(codeOf(() => assertStep('amend', undefined))).toBe('return_state');
  });
  it('generating starts a first return, redoes an open one, and never overwrites a received one', () => {
    expect(codeOf(() => assertMayGenerate(undefined))).toBeNull();
    expect(codeOf(() => assertMayGenerate('send_failed'))).toBeNull();
    expect(codeOf(() => assertMayGenerate('received'))).toBe('already_received');
    expect(codeOf(() => assertMayGenerate('ready'))).toBe('return_state');
    expect(codeOf(() => assertMayGenerate('sent'))).toBe('return_state');
  });
});

describe('tasks', () => {
  it('a submitted or done task is closed', () => {
    const all: TaskStatusKey[] = ['unassigned', 'assigned', 'in_progress', 'awaiting_approval', 'submitted', 'done'];
    expect(all.filter(taskClosed)).toEqual(['submitted', 'done']);
  });
  it('assigning makes an unassigned task assigned and keeps any other status', () => {
    expect(statusAfterAssignment('unassigned')).toBe('assigned');
    expect(statusAfterAssignment('in_progress')).toBe('in_progress');
    expect(statusAfterAssignment('awaiting_approval')).toBe('awaiting_approval');
  });
  it('the internal due date is the one given, else the deadline less the lead days (3 without a procedure)', () => {
    const deadline = new Date('2026-03-20T09:00:00Z');
    expect(internalDueOf(deadline, 5)).toEqual(new Date(deadline.getTime() - 5 * DAY));
    expect(internalDueOf(deadline, null)).toEqual(new Date(deadline.getTime() - 3 * DAY));
    expect(internalDueOf(deadline, 0)).toEqual(deadline);
    expect(internalDueOf(deadline, 5, '2026-03-19T00:00:00+08:00')).toEqual(new Date('2026-03-18T16:00:00Z'));
  });
  it('an internal due date may equal the deadline but not pass it', () => {
    const deadline = new Date('2026-03-20T09:00:00Z');
    expect(codeOf(() => internalDueOf(deadline, 3, '2026-03-20T09:00:00Z'))).toBeNull();
    expect(codeOf(() => internalDueOf(deadline, 3, '2026-03-20T09:00:01Z'))).toBe('dates_out_of_order');
  });
  it('a notice is finished by its owner or backup, once imported, once, and only if it asks for no return', () => {
    const notice = { ownerId: owner, backupId: backup, status: 'assigned' as const, state: 'imported' as const, hasTemplate: false };
    expect(codeOf(() => assertMayFinishNotice(owner, notice))).toBeNull();
    expect(codeOf(() => assertMayFinishNotice(backup, notice))).toBeNull();
    expect(codeOf(() => assertMayFinishNotice(other, notice))).toBe('forbidden');
    expect(codeOf(() => assertMayFinishNotice(owner, { ...notice, state: 'encrypted' }))).toBe('content_locked');
    expect(codeOf(() => assertMayFinishNotice(owner, { ...notice, hasTemplate: true }))).toBe('return_state');
    expect(codeOf(() => assertMayFinishNotice(owner, { ...notice, status: 'done' }))).toBe('return_state');
  });
  it('only an open message the school could not open is closed by hand', () => {
    expect(codeOf(() => assertMayCloseUnreadable({ status: 'unassigned', state: 'decrypt_failed' }))).toBeNull();
    expect(codeOf(() => assertMayCloseUnreadable({ status: 'assigned', state: 'import_failed' }))).toBeNull();
    expect(codeOf(() => assertMayCloseUnreadable({ status: 'assigned', state: 'imported' }))).toBe('return_state');
    expect(codeOf(() => assertMayCloseUnreadable({ status: 'unassigned', state: 'encrypted' }))).toBe('return_state');
    expect(codeOf(() => assertMayCloseUnreadable({ status: 'done', state: 'decrypt_failed' }))).toBe('return_state');
  });
});

describe('a package answers its own delivery', () => {
  const claim = { schoolId: 's1', refNo: 'EDB-2026-0001', category: 'headcount', amendment: 0 };
  it('fits only the same school, reference, category and amendment', () => {
    expect(packageFitsDelivery(claim, { ...claim })).toBe(true);
    expect(packageFitsDelivery(claim, { ...claim, schoolId: 's2' })).toBe(false);
    expect(packageFitsDelivery(claim, { ...claim, refNo: 'EDB-2026-0002' })).toBe(false);
    expect(packageFitsDelivery(claim, { ...claim, category: 'enrolment' })).toBe(false);
    expect(packageFitsDelivery(claim, { ...claim, amendment: 1 })).toBe(false);
    expect(packageFitsDelivery(claim, undefined)).toBe(false);
  });
});

describe('wrong school keys', () => {
  const now = Date.parse('2026-03-01T10:00:00Z');
  it('allows tries below the limit', () => {
    expect(keyRetryAfter(0, null, now)).toBeNull();
    expect(keyRetryAfter(KEY_FAILURE_LIMIT - 1, new Date(now - 60_000), now)).toBeNull();
  });
  it('from the limit, refuses until the oldest failure leaves the window', () => {
    expect(keyRetryAfter(KEY_FAILURE_LIMIT, new Date(now - 60_000), now)).toBe((KEY_WINDOW_MS - 60_000) / 1000);
    expect(keyRetryAfter(KEY_FAILURE_LIMIT, new Date(now), now)).toBe(KEY_WINDOW_MS / 1000);
  });
  it('never answers less than one second', () => {
    expect(keyRetryAfter(KEY_FAILURE_LIMIT, new Date(now - KEY_WINDOW_MS), now)).toBe(1);
    expect(keyRetryAfter(KEY_FAILURE_LIMIT + 3, null, now)).toBe(KEY_WINDOW_MS / 1000);
  });
});

describe('reminders before the internal due date', () => {
  const due = Date.parse('2026-03-20T09:00:00Z');
  it('sends only the nearest reminder that applies: 7, 3 or 1 day(s) before', () => {
    expect(reminderDue(due - 8 * DAY, due)).toBeNull();
    expect(reminderDue(due - 7 * DAY, due)).toBe(7);
    expect(reminderDue(due - 3 * DAY - 1, due)).toBe(7);
    expect(reminderDue(due - 3 * DAY, due)).toBe(3);
    expect(reminderDue(due - 2 * DAY, due)).toBe(3);
    expect(reminderDue(due - DAY, due)).toBe(1);
    expect(reminderDue(due - 1, due)).toBe(1);
  });
  it('sends none from the due date on', () => {
    expect(reminderDue(due, due)).toBeNull();
    expect(reminderDue(due + DAY, due)).toBeNull();
  });
});

describe('escalation to the principal', () => {
  const arrivedAt = new Date('2026-03-01T00:00:00Z');
  const internalDue = new Date('2026-03-10T00:00:00Z');
  const deadline = new Date('2026-03-15T00:00:00Z');
  const task = { status: 'unassigned' as const, arrivedAt, internalDue, deadline };
  it('when a task sits unassigned 3 days', () => {
    expect(escalationsDue(task, arrivedAt.getTime() + 3 * DAY - 1)).toEqual([]);
    expect(escalationsDue(task, arrivedAt.getTime() + 3 * DAY)).toEqual(['unassigned']);
    expect(escalationsDue({ ...task, status: 'assigned' }, arrivedAt.getTime() + 3 * DAY)).toEqual([]);
  });
  it('when it passes its internal due date (not at the very moment)', () => {
    const assigned = { ...task, status: 'in_progress' as const };
    expect(escalationsDue(assigned, internalDue.getTime())).toEqual([]);
    expect(escalationsDue(assigned, internalDue.getTime() + 1)).toEqual(['overdue']);
  });
  it('from 24 hours before the authority deadline, in order with the others', () => {
    expect(escalationsDue({ ...task, status: 'awaiting_approval' }, deadline.getTime() - 24 * HOUR - 1)).toEqual(['overdue']);
    expect(escalationsDue(task, deadline.getTime() - 24 * HOUR)).toEqual(['unassigned', 'overdue', 'unapproved']);
  });
});
