import { newDataKey, sealContent, wrapKey } from '../../../core/crypto/envelope.js';
import type { Queryable } from '../../../core/db/types.js';
import type { ExchangeDeps } from '../common.js';
import type { Envelope } from '../queries/deliveries.js';
import { insertContent } from '../queries/messages.js';
import type { RecipientKeyRow } from '../queries/orgs.js';
import type { MessageContent } from '../types.js';

/** Seal the content once under a new data key (stored once) and wrap that key for each recipient. */
export async function sealFor<R extends RecipientKeyRow>(
  d: ExchangeDeps,
  q: Queryable,
  authorityId: string,
  messageId: string,
  content: MessageContent,
  recipients: R[],
): Promise<{ contentId: string; sealed: { recipient: R; envelope: Envelope }[] }> {
  const dataKey = newDataKey();
  const contentId = await insertContent(
    q,
    authorityId,
    messageId,
    sealContent(dataKey, Buffer.from(JSON.stringify(content)), `msg:${messageId}`),
    d.clock.now(),
  );
  const sealed = recipients.map((r) => ({
    recipient: r,
    envelope: { ...wrapKey(dataKey, r.key_box_public, `msg:${messageId}:${r.id}`), keyFingerprint: r.key_fingerprint },
  }));
  return { contentId, sealed };
}
