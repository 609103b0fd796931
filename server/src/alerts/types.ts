/**
 * The alerting contract this folder works with.
 * Same shapes as shared/src/alerts.ts `AlertChange`, `AlertMessage`, `DeliveryResult`
 * (declared here until that module is wired in).
 */

/** One alert state change, produced by evaluation, stored in the outbox, reported to channels. */
export type AlertChange = {
  /** Stable key: sha256 hex of rule id + entity id or scope + tier. */
  fingerprint: string;
  /** Per fingerprint 1, 2, 3 …: each change is the previous one + 1. */
  sequence: number;
  state: 'firing' | 'resolved';
  ruleName: string;
  kind: 'burn_rate' | 'status' | 'stale';
  tier: string | null;
  severity: 'page' | 'ticket' | 'info';
  tenantName: string;
  teamName: string | null;
  entity: { id: number; name: string; type: string } | null;
  /** One human line, e.g. "orders_daily: 1 h burn 18.2× (threshold 14.4)". */
  summary: string;
  /** ISO-8601 UTC time of the state change. */
  at: string;
};

/** What a channel is sent: one message may group several changes of one team. */
export type AlertMessage = {
  /** uuid; a resend of the same message reuses it, so a receiver de-duplicates on it. */
  deliveryId: string;
  channel: string;
  tenantName: string;
  teamName: string | null;
  changes: AlertChange[];
  /** ISO-8601 of this attempt. */
  sentAt: string;
};

/** What a channel answers for one attempt. */
export type DeliveryResult = {
  ok: boolean;
  status: number | null;
  error: string | null;
  retryable: boolean;
  durationMs: number;
};

/**
 * Sends one message to the named channel (the channel code: webhook, Slack). It should
 * bound its own wait (a timeout) and answer a failure as a `DeliveryResult` rather than
 * throw; a throw counts as a retryable failure. `signal` aborts when the sender loses its lease.
 */
export type SendFn = (channel: string, message: AlertMessage, signal: AbortSignal) => Promise<DeliveryResult>;
