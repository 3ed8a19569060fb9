import type { z } from 'zod';
import type { NotificationListBody } from '../../../contracts/admin.js';
import { type Actor, who } from '../../core/auth/actor.js';
import { audit } from '../../core/audit/audit.js';
import type { AuthDeps } from '../../core/auth/service.js';
import { AppError } from '../../core/errors.js';
import {
  countRecipients,
  deleteRecipients,
  findListReview,
  insertRecipient,
  listRecipients,
  markListReviewed,
} from './queries/notification-list.js';
import { countUsers } from './queries/users.js';
import { toNotificationListView } from './views.js';

/** Who hears about security events (memo U1), and when the list was last reviewed and by whom. */
export async function getNotificationList(d: Pick<AuthDeps, 'db'>, schoolId: string) {
  return d.db.school(schoolId, async (q) => {
    const entries = await listRecipients(q);
    return toNotificationListView(entries, await findListReview(q, schoolId));
  });
}

/** Replace the list. People must be the school's; every entry has at least one event. */
export async function putNotificationList(d: AuthDeps, a: Actor, b: z.infer<typeof NotificationListBody>): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    const userIds = [...new Set(b.entries.map((e) => e.userId).filter((x): x is string => !!x))];
    if (userIds.length && (await countUsers(q, userIds)) !== userIds.length) throw new AppError('not_found');
    const before = await countRecipients(q);
    await deleteRecipients(q);
    for (const e of b.entries) {
      await insertRecipient(q, {
        schoolId: a.schoolId,
        userId: e.userId ?? null,
        email: e.email ?? null,
        events: [...new Set(e.events)],
        at: d.clock.now(),
      });
    }
    await audit(q, d.clock, {
      ...who(a),
      action: 'notify.list_changed',
      target: `school:${a.schoolId}`,
      details: {
        before,
        after: b.entries.map((e) => ({ user: e.userId ?? null, email: e.email ?? null, events: e.events })),
      },
    });
  });
}

/** The yearly review of the list, signed off by a named person. */
export async function signOffNotificationList(d: AuthDeps, a: Actor): Promise<void> {
  await d.db.schoolTx(a.schoolId, async (q) => {
    await markListReviewed(q, a.schoolId, d.clock.now(), a.userId);
    await audit(q, d.clock, { ...who(a), action: 'notify.list_reviewed', target: `school:${a.schoolId}` });
  });
}
