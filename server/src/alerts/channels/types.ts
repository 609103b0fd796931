/**
 * The alerting contract as channels see it (issue 15's shared contract). These have the same
 * shape as shared/src/alerts.ts's types; they are declared here until that file exists.
 */

/** One alert state change. Same shape as shared/src/alerts.ts AlertChange. */
export type AlertChange = {
  fingerprint: string;
  sequence: number;
  state: 'firing' | 'resolved';
  ruleName: string;
  kind: 'burn_rate' | 'status' | 'stale';
  tier: string | null;
  severity: 'page' | 'ticket' | 'info';
  tenantName: string;
  teamName: string | null;
  entity: { id: number; name: string; type: string } | null;
  summary: string;
  at: string;
};

/** What a channel is sent. Same shape as shared/src/alerts.ts AlertMessage. */
export type AlertMessage = {
  deliveryId: string;
  channel: string;
  tenantName: string;
  teamName: string | null;
  changes: AlertChange[];
  sentAt: string;
};

/**
 * What a channel answers for one attempt. Same shape as shared/src/alerts.ts DeliveryResult,
 * plus `ref`: the Slack message a bot posted (`<channel id> <ts>`), to hand back on the
 * resolve send so that message is edited in place.
 */
export type DeliveryResult = {
  ok: boolean;
  status: number | null;
  error: string | null;
  retryable: boolean;
  durationMs: number;
  ref?: string;
};

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
