import type { AlertChange, AlertMessage, DeliveryResult as SharedDeliveryResult } from '@sla/shared';

export type { AlertChange, AlertMessage };

/**
 * What a channel answers for one attempt: shared/src/alerts.ts's DeliveryResult plus `ref`,
 * the Slack message a bot posted (`<channel id> <ts>`), to hand back on the resolve send so
 * that message is edited in place.
 */
export type DeliveryResult = SharedDeliveryResult & { ref?: string };

/** A channel ready to send: its secrets opened (never logged, never answered). */
export type SendableChannel = {
  name: string;
  tenantName: string;
  kind: 'webhook' | 'slack';
  /** The webhook's target; null for Slack. */
  url: string | null;
  /** Webhook HMAC-SHA256 key; null: the webhook is sent unsigned. */
  secret: string | null;
  /**
   * Slack: an incoming-webhook URL (a credential: kept under this name, which the log
   * redaction covers), or a bot token with the channel it posts to.
   */
  slack: { webhookUrl: string | null; botToken: string | null; channel: string | null } | null;
};
