import { createHmac } from 'node:crypto';

/** Header names of a signed webhook delivery. */
export const DELIVERY_HEADER = 'X-SLA-Delivery';
export const TIMESTAMP_HEADER = 'X-SLA-Timestamp';
export const SIGNATURE_HEADER = 'X-SLA-Signature';

/**
 * The webhook signature, in the scheme Stripe documents for its webhooks ("Verify webhook
 * signatures manually"): `v1=` + lower-case hex of HMAC-SHA256(key = the channel's secret as
 * UTF-8, message = `<timestamp>.<raw body>`), where `<timestamp>` is the `X-SLA-Timestamp`
 * header (Unix seconds, decimal) and `<raw body>` the request body's exact bytes.
 *
 * A receiver verifies it by recomputing the HMAC over the bytes it received (before any JSON
 * parsing), comparing in constant time, and refusing a timestamp far from its own clock
 * (5 minutes is usual) so a captured request cannot be replayed later; `X-SLA-Delivery`
 * (the message's `deliveryId`, the same on every resend) de-duplicates. The `v1=` prefix
 * leaves room for a later scheme or for two keys during a secret rotation.
 */
export function webhookSignature(secret: string, timestampSeconds: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex')}`;
}
