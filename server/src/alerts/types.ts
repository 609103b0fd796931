import type { AlertChange, AlertMessage, DeliveryResult } from '@sla/shared';

/** The alerting contract this folder works with (shared/src/alerts.ts). */
export type { AlertChange, AlertMessage, DeliveryResult };

/**
 * Sends one message to the named channel (the channel code: webhook, Slack). It should
 * bound its own wait (a timeout) and answer a failure as a `DeliveryResult` rather than
 * throw; a throw counts as a retryable failure. `signal` aborts when the sender loses its lease.
 */
export type SendFn = (channel: string, message: AlertMessage, signal: AbortSignal) => Promise<DeliveryResult>;
