import { audit } from '../../../core/audit/audit.js';
import { type Actor, who } from '../../../core/auth/actor.js';
import { openContent, unwrapKey } from '../../../core/crypto/envelope.js';
import { type ExchangeDeps, assertSchool, event } from '../common.js';
import { schoolKeyFor } from '../key.js';
import { lockEncryptedDeliveries, setDecryptFailed, setImportFailed, setImported } from '../queries/deliveries.js';
import { setTaskContent } from '../queries/tasks.js';
import { MessageContent } from '../types.js';

/**
 * Unlock with the school key (the words, or the person's unlocked window) and import every message
 * still encrypted: each is decrypted (or marked decrypt_failed, with the reason) and its content
 * imported into the task (or import_failed). The
 * words were checked against the key's fingerprint first, so a failure here is the message's, not the
 * person's: it is not retried, and the authority is asked to send it again.
 */
export async function unlockInbox(d: ExchangeDeps, a: Actor, words?: string[]): Promise<{ imported: number; failed: number }> {
  await d.db.school(a.schoolId, (q) => assertSchool(q, a));
  const keys = await schoolKeyFor(d, a, words);
  return d.db.schoolTx(a.schoolId, async (q) => {
    const rows = await lockEncryptedDeliveries(q);
    let imported = 0;
    let failed = 0;
    const now = d.clock.now();
    for (const r of rows) {
      let plain: Buffer;
      try {
        const dataKey = unwrapKey({ eph: r.envelope.eph, key: r.envelope.key }, keys.box, `msg:${r.message_id}:${a.schoolId}`);
        plain = openContent(dataKey, r.ciphertext, `msg:${r.message_id}`);
      } catch {
        const reason = r.envelope.keyFingerprint !== keys.fingerprint ? 'key_changed' : 'corrupt';
        await setDecryptFailed(q, r.id, reason);
        await event(q, d.clock, { orgId: a.schoolId, deliveryId: r.id, event: 'decrypt_failed', actor: a.username, details: { reason } });
        failed++;
        continue;
      }
      await event(q, d.clock, { orgId: a.schoolId, deliveryId: r.id, event: 'decrypted', actor: a.username });
      let content: MessageContent;
      try {
        content = MessageContent.parse(JSON.parse(plain.toString('utf8')));
      } catch {
        await setImportFailed(q, r.id);
        await event(q, d.clock, {
          orgId: a.schoolId,
          deliveryId: r.id,
          event: 'import_failed',
          actor: a.username,
          details: { reason: 'content_unreadable' },
        });
        failed++;
        continue;
      }
      await setImported(q, r.id);
      await setTaskContent(q, r.id, content);
      await event(q, d.clock, {
        orgId: a.schoolId,
        deliveryId: r.id,
        event: 'imported',
        actor: a.username,
        details: { at: now.toISOString() },
      });
      imported++;
    }
    await audit(q, d.clock, { ...who(a), action: 'exchange.unlocked', target: `school:${a.schoolId}`, details: { imported, failed } });
    return { imported, failed };
  });
}
