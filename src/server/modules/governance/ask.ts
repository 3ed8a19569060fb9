import type { z } from 'zod';
import type { AskResult } from '../../../contracts/governance.js';
import { type Actor, who } from '../../core/auth/actor.js';
import { audit } from '../../core/audit/audit.js';
import { hongKongDate } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import { notifyUser, queueMail } from '../../core/notify/notify.js';
import type { GovernanceDeps } from './deps.js';
import { detailPath } from './policy.js';
import { findPersonName, listActivePeople } from './queries/people.js';
import { askMail, personName } from './words.js';

/**
 * "Ask them to act": a dashboard reader who cannot put a check right tells the people who hold its owner's right,
 * in the app and by e-mail, each in their own language. Once per check, recipient and Hong Kong day (the unique
 * key), however often anyone clicks: a repeat tells nobody again and answers `already`. Audited when someone was told.
 */
export async function askOwner(d: GovernanceDeps, actor: Actor, key: string): Promise<z.infer<typeof AskResult>> {
  const c = await d.checks.evaluateOne(d.db, actor.schoolId, d.clock, key);
  if (!c) throw new AppError('not_found');
  // Someone who holds the right acts themselves; a check in order needs nobody.
  if (actor.permissions.has(c.owner.permission) || c.status === 'ok') throw new AppError('conflict');
  const now = d.clock.now();
  const day = hongKongDate(now);
  return d.db.schoolTx(actor.schoolId, async (q) => {
    const me = await findPersonName(q, actor.userId);
    const recipients = (await listActivePeople(q)).filter((p) => p.id !== actor.userId && p.permissions.includes(c.owner.permission));
    if (!recipients.length) throw new AppError('conflict');
    let notified = 0;
    for (const p of recipients) {
      const asker = me ? personName(p.locale, me) : actor.username;
      const fresh = await notifyUser(q, d.clock, {
        schoolId: actor.schoolId,
        userId: p.id,
        kind: 'governance.ask',
        titleKey: 'notifications.askedToAct',
        params: { memo: c.memo, asker },
        // They hold the owner's right; the fixing page is theirs if they may open it, else the read-only view.
        link: c.link && p.permissions.includes(c.linkPermission) ? c.link : detailPath(c.key),
        idemKey: `ask:${day}:${c.key}:${p.id}`,
      });
      if (!fresh) continue;
      notified++;
      if (p.email)
        await queueMail(q, d.clock, d.smtpConfigured, {
          schoolId: actor.schoolId,
          to: p.email,
          ...askMail(p.locale, personName(p.locale, p), asker, c),
          idemKey: `ask-mail:${day}:${c.key}:${p.id}`,
        });
    }
    if (notified)
      await audit(q, d.clock, {
        ...who(actor),
        action: 'governance.owner_asked',
        target: `check:${c.key}`,
        details: { status: c.status, owner: c.owner.permission, told: notified },
      });
    return { notified, already: notified === 0 };
  });
}
