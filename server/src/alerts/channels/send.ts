import { randomUUID } from 'node:crypto';
import type { ChannelDeps } from './deps.js';
import { sendSlack } from './slack.js';
import type { AlertMessage, DeliveryResult, SendableChannel } from './types.js';
import { sendWebhook } from './webhook.js';

/**
 * Sends one message to one channel, by its kind (`sendWebhook`, `sendSlack`). `ref` is a
 * previous result's `ref` (a Slack bot's message), given on the resolve send so the message
 * is edited in place; other kinds ignore it. Never throws: every failure is a DeliveryResult,
 * `retryable` saying whether a later attempt may succeed.
 */
export function sendToChannel(
  channel: SendableChannel,
  message: AlertMessage,
  deps: ChannelDeps,
  ref?: string,
): Promise<DeliveryResult> {
  return channel.kind === 'slack' ? sendSlack(channel, message, deps, ref) : sendWebhook(channel, message, deps);
}

/**
 * The "send test" message: one firing change of a rule named `Test message`, fingerprint
 * `test`, severity `info`, with a fresh delivery id, so a receiver can tell it from a real alert.
 */
export function testMessage(channel: Pick<SendableChannel, 'name' | 'tenantName'>, now: Date): AlertMessage {
  const at = now.toISOString();
  return {
    deliveryId: randomUUID(),
    channel: channel.name,
    tenantName: channel.tenantName,
    teamName: null,
    sentAt: at,
    changes: [
      {
        fingerprint: 'test',
        sequence: 1,
        state: 'firing',
        ruleName: 'Test message',
        kind: 'status',
        tier: null,
        severity: 'info',
        tenantName: channel.tenantName,
        teamName: null,
        entity: null,
        summary: `Test message from the SLA service to channel ${channel.name}: delivery works.`,
        at,
      },
    ],
  };
}

/** Sends `testMessage` to `channel` (the "send test" action). Never throws. */
export function sendTest(channel: SendableChannel, deps: ChannelDeps): Promise<DeliveryResult> {
  return sendToChannel(channel, testMessage(channel, deps.now()), deps);
}
