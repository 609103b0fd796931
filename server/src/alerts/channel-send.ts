import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import type { ChannelDeps } from './channels/deps.js';
import { sendToChannel } from './channels/send.js';
import { openChannel } from './channels/stored.js';
import { type AlertConfigSource, channelKey } from './engine-types.js';
import type { SecretBox } from './secrets.js';
import type { AlertMessage, DeliveryResult, SendFn } from './types.js';

/** What the sender's `send` needs: where channels are read, how to open and reach them. */
export type ChannelSendDeps = {
  source: AlertConfigSource;
  /** The box of `loadSecretKey`'s key (null without one: channels with secrets cannot send). */
  box: SecretBox | null;
  channel: ChannelDeps;
  sql: Sql;
  log?: Logger | undefined;
};

const refused = (error: string): DeliveryResult => ({
  ok: false,
  status: null,
  error,
  retryable: false,
  durationMs: 0,
});

/**
 * The `OutboxSender`'s send: resolves the message's channel (`${tenantName}/${channel}` in the
 * configuration), opens its secrets and sends with `sendToChannel`. A channel that is gone, or
 * whose secrets do not open, refuses the message (not retryable: a resend cannot succeed).
 * Slack bot messages: the posted message's `ref` is kept on the delivery row; a message made
 * only of resolves of exactly the alerts one earlier message reported as firing edits that
 * message in place (an edit of a message about other alerts too would hide them).
 * Never throws.
 */
export function channelSend(deps: ChannelSendDeps): SendFn {
  return async (channel, message) => {
    const key = channelKey(message.tenantName, channel);
    // A channel created on another pod may be newer than this pod's copy: re-read once before refusing.
    const stored =
      (await deps.source()).channels.get(key) ??
      (await deps.source({ fresh: true }).catch(() => null))?.channels.get(key);
    if (!stored) return refused(`channel ${channel} of tenant ${message.tenantName} is not configured`);
    let sendable: ReturnType<typeof openChannel>;
    try {
      sendable = openChannel(stored, deps.box);
    } catch (err) {
      return refused((err as Error).message);
    }
    const ref = sendable.slack?.botToken ? await firingRef(deps.sql, message).catch(() => undefined) : undefined;
    const { ref: posted, ...result } = await sendToChannel(sendable, message, deps.channel, ref);
    if (result.ok && posted)
      await deps
        .sql(`UPDATE sla_alert_delivery SET slack_ref = ? WHERE delivery_id = ?`, [posted, message.deliveryId])
        .catch((err) =>
          deps.log?.warn({ err, channel }, 'slack message reference not kept: its resolve will post anew'),
        );
    return result;
  };
}

/**
 * The Slack ref of the message that reported, as firing, exactly the alerts `message` resolves
 * (same channel and tenant), or undefined.
 */
async function firingRef(sql: Sql, message: AlertMessage): Promise<string | undefined> {
  const first = message.changes[0];
  if (!first || message.changes.some((c) => c.state !== 'resolved')) return undefined;
  const rows = await sql<{ slack_ref: string; fingerprints: string[] }>(
    `SELECT d.slack_ref, array(SELECT o2.fingerprint FROM sla_alert_outbox o2 WHERE o2.delivery_id = d.delivery_id) AS fingerprints
       FROM sla_alert_outbox o JOIN sla_alert_delivery d ON d.delivery_id = o.delivery_id
      WHERE o.fingerprint = ? AND o.sequence = ? AND o.channel = ? AND o.tenant_name = ? AND d.slack_ref IS NOT NULL
      LIMIT 1`,
    [first.fingerprint, first.sequence - 1, message.channel, message.tenantName],
  );
  const row = rows[0];
  if (!row) return undefined;
  const resolving = new Set(message.changes.map((c) => c.fingerprint));
  const same = row.fingerprints.length === resolving.size && row.fingerprints.every((f) => resolving.has(f));
  return same ? row.slack_ref : undefined;
}
