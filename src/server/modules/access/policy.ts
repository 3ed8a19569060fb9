import { CATALOGUE, type Scope } from '../../core/auth/permissions.js';
import { AppError } from '../../core/errors.js';
import { type Range, overlaps } from './network.js';

/**
 * The access module's record-level rules, as pure functions: they take plain values (what the
 * services read) and return a boolean or throw the AppError the person sees.
 */

// ---- Rights ------------------------------------------------------------------------------------

/** What a person holds, as their session carries it. */
export interface RightsHolder {
  permissions: ReadonlySet<string>;
  /** Permissions held only for the person's own classes. */
  ownClassesOnly: ReadonlySet<string>;
}

/**
 * Grant-what-you-hold: whether `holder` holds every right in `pairs` (`key:scope`), scope included —
 * holding a permission for one's own classes does not cover it for the whole school. A pair without
 * a scope asks only for the permission.
 */
export function holdsAll(holder: RightsHolder, pairs: readonly string[]): boolean {
  return pairs.every((pair) => {
    const [key, scope] = pair.split(':') as [string, string | undefined];
    return holder.permissions.has(key) && !(scope === 'school' && holder.ownClassesOnly.has(key));
  });
}

/** Nobody grants, or takes away, a right they do not hold. */
export function assertMayGrant(holder: RightsHolder, pairs: readonly string[]): void {
  if (!holdsAll(holder, pairs)) throw new AppError('grant_not_held');
}

/** Outranks: acting on an account (a password reset, an unlock) needs every right that account holds. */
export function assertOutranks(holder: RightsHolder, accountRights: readonly string[]): void {
  if (!holdsAll(holder, accountRights)) throw new AppError('grant_not_held');
}

/** One right of a role. */
export interface Grant {
  key: string;
  scope: Scope;
}

/**
 * Every grant names a catalogue permission, and only a scoped permission may be limited to own
 * classes. A permission named twice counts once (the last one wins).
 */
export function validGrants(grants: readonly Grant[]): Grant[] {
  const seen = new Map<string, Grant>();
  for (const g of grants) {
    const def = CATALOGUE.get(g.key);
    if (!def) throw new AppError('validation_failed', { errors: [{ path: '/grants', code: 'unknown_permission' }] });
    if (g.scope === 'own_classes' && !def.scoped)
      throw new AppError('validation_failed', { errors: [{ path: '/grants', code: 'scope_not_allowed' }] });
    seen.set(g.key, g);
  }
  return [...seen.values()];
}

/** Memo U1: at least one active person keeps every system-administrator right. */
export function assertAdminRemains(fullAdmins: number): void {
  if (fullAdmins < 1) throw new AppError('last_admin');
}

/** A role of the memo's templates stays, and so does a role someone holds or will hold. */
export function assertRoleDeletable(role: { templateKey: string | null }, assignments: number): void {
  if (role.templateKey || assignments > 0) throw new AppError('conflict');
}

/** An assignment ends on or after it starts, and not before today. */
export function assertMemberDates(dates: { startsOn?: string | undefined; endsOn?: string | undefined }, today: string): void {
  if (dates.startsOn && dates.endsOn && dates.endsOn < dates.startsOn) throw new AppError('dates_out_of_order');
  if (dates.endsOn && dates.endsOn < today) throw new AppError('dates_out_of_order');
}

/** An assignment that starts after today waits on the plan; one from today (or undated) takes effect now. */
export const startsLater = (startsOn: string | undefined, today: string): startsOn is string => !!startsOn && startsOn > today;

// ---- Access reviews ----------------------------------------------------------------------------

/** A reviewer (main or second) must hold the right to review. */
export function assertMayReview(holdsReviewRight: boolean): void {
  if (!holdsReviewRight) throw new AppError('forbidden');
}

/**
 * Who decides on the main reviewer's own rights: the second reviewer named, else whoever starts the
 * campaign when that is someone else, else nobody.
 */
export function secondReviewerFor(c: { main: string; starter: string; named: string | null }): string | null {
  return c.named ?? (c.starter !== c.main ? c.starter : null);
}

/** Nobody reviews their own rights: a reviewer who holds rights in the campaign needs a second reviewer. */
export function assertOwnRightsReviewed(secondReviewer: string | null, reviewerHoldsRights: boolean): void {
  if (needsSecondReviewer(secondReviewer, reviewerHoldsRights)) throw new AppError('own_review');
}

/** Only the item's reviewer decides it, never about their own rights, and only while the campaign is open. */
export function assertMayDecide(item: { userId: string; reviewerId: string; campaignStatus: string }, actorId: string): void {
  if (item.campaignStatus !== 'open') throw new AppError('conflict');
  if (item.userId === actorId) throw new AppError('own_review');
  if (item.reviewerId !== actorId) throw new AppError('forbidden');
}

/** An item as a bulk decision sees it. */
export interface BulkCandidate {
  id: string;
  userId: string;
  reviewerId: string;
  roleId: string;
  recommendation: string | null;
  decided: boolean;
}

/** What a reviewer picks for a bulk decision: every filter given must match ('none': no recommendation). */
export interface BulkSelection {
  recommendation?: string | undefined;
  roleId?: string | undefined;
  itemIds?: readonly string[] | undefined;
}

/**
 * The items a bulk decision takes: the reviewer's own undecided items that match the selection,
 * never one about the reviewer. Items named one by one must each be decidable (or the whole request
 * is refused); a filter passes over items that are someone else's, about the reviewer, or decided.
 */
export function selectForBulk(campaignStatus: string, items: readonly BulkCandidate[], sel: BulkSelection, actorId: string): string[] {
  if (campaignStatus !== 'open') throw new AppError('review_closed');
  const named = sel.itemIds ? new Set(sel.itemIds) : null;
  if (named) {
    const byId = new Map(items.map((i) => [i.id, i]));
    for (const id of named) {
      const item = byId.get(id);
      if (!item) throw new AppError('not_found');
      assertMayDecide({ userId: item.userId, reviewerId: item.reviewerId, campaignStatus }, actorId);
      if (item.decided) throw new AppError('conflict');
    }
  }
  const wanted = (r: string | null) =>
    sel.recommendation === undefined || (sel.recommendation === 'none' ? r === null : r === sel.recommendation);
  return items
    .filter(
      (i) =>
        !i.decided &&
        i.reviewerId === actorId &&
        i.userId !== actorId &&
        (!named || named.has(i.id)) &&
        (sel.roleId === undefined || i.roleId === sel.roleId) &&
        wanted(i.recommendation),
    )
    .map((i) => i.id);
}

/** A batch of decisions is undone by the reviewer who made it, once, while the campaign is open. */
export function assertMayUndo(batch: { decidedBy: string; undone: boolean; campaignStatus: string }, actorId: string): void {
  if (batch.campaignStatus !== 'open') throw new AppError('review_closed');
  if (batch.decidedBy !== actorId) throw new AppError('forbidden');
  if (batch.undone) throw new AppError('conflict');
}

/** Whether the campaign would leave the reviewer's own rights undecided: shown before it is started, refused when it is. */
export const needsSecondReviewer = (secondReviewer: string | null, reviewerHoldsRights: boolean): boolean =>
  !secondReviewer && reviewerHoldsRights;

/** An open campaign completes once every item is decided. */
export function assertMayComplete(status: string, undecided: number): void {
  if (status !== 'open') throw new AppError('conflict');
  if (undecided > 0) throw new AppError('review_incomplete');
}

/** A recurring campaign is due `months` calendar months after the last one was completed. */
export function recurrenceDue(lastCompleted: Date, months: number, now: Date): boolean {
  const next = new Date(lastCompleted);
  next.setUTCMonth(next.getUTCMonth() + months);
  return now >= next;
}

// ---- Handover ----------------------------------------------------------------------------------

/** Nobody draws up a handover plan about themselves. */
export function assertNotOwnHandover(subjectId: string, actorId: string): void {
  if (subjectId === actorId) throw new AppError('own_handover');
}

/** Successors are named on a draft, by someone other than the person it is about. */
export function assertPlanEditable(plan: { status: string; userId: string }, actorId: string): void {
  if (plan.status !== 'draft') throw new AppError('conflict');
  assertNotOwnHandover(plan.userId, actorId);
}

/** A holding passes to someone else. */
export function assertSuccessorDiffers(successorId: string, subjectId: string): void {
  if (successorId === subjectId) throw new AppError('validation_failed', { errors: [{ path: '/successorId', code: 'same_person' }] });
}

/** May-approve: a draft, approved by neither the person it is about nor the one who drew it up. */
export function assertMayApprove(plan: { status: string; userId: string; createdBy: string }, actorId: string): void {
  if (plan.status !== 'draft') throw new AppError('conflict');
  if (plan.userId === actorId || plan.createdBy === actorId) throw new AppError('own_handover');
}

/** Every holding has a successor before the plan is approved. */
export function assertPlanComplete(unassigned: number): void {
  if (unassigned > 0) throw new AppError('handover_incomplete');
}

// ---- Network zones -----------------------------------------------------------------------------

/** An address belongs to one zone: a zone's ranges overlap neither each other nor another zone's. */
export function assertRangesDisjoint(ranges: readonly Range[], others: readonly Range[] = []): void {
  ranges.forEach((r, i) => {
    if ([...ranges.slice(i + 1), ...others].some((o) => overlaps(r, o))) throw new AppError('zones_overlap');
  });
}

/** A time profile's hours end after they start (same day). */
export function assertHoursInOrder(startMinute: number, endMinute: number): void {
  if (endMinute <= startMinute) throw new AppError('time_profile_invalid');
}

/** Whoever changes the network policy must still be let in by it. */
export function assertNotLockedOut(verdict: { ok: boolean }): void {
  if (!verdict.ok) throw new AppError('network_self_lockout');
}
