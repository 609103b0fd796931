import type { ChannelDeps } from './deps.js';
import { postJson } from './post.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from './signature.js';
import type { AlertMessage, DeliveryResult, SendableChannel } from './types.js';

/**
 * Sends `message` to a webhook channel: `POST <url>` with the `AlertMessage` as its JSON body
 * and the headers `X-SLA-Delivery: <deliveryId>`, `X-SLA-Timestamp: <unix seconds>` and, when
 * the channel has a secret, `X-SLA-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`
 * (see `webhookSignature`). 2xx is success; 408, 429, 5xx, timeouts (`deps.timeoutMs`) and
 * connection errors are retryable; any other answer is not; a refused target is not.
 * Never throws.
 */
export async function sendWebhook(
  channel: SendableChannel,
  message: AlertMessage,
  deps: ChannelDeps,
): Promise<DeliveryResult> {
  if (channel.url === null)
    return { ok: false, status: null, error: 'the channel has no url', retryable: false, durationMs: 0 };
  const body = JSON.stringify(message);
  const timestamp = Math.floor(deps.now().getTime() / 1000);
  const headers: Record<string, string> = {
    [DELIVERY_HEADER]: message.deliveryId,
    [TIMESTAMP_HEADER]: String(timestamp),
  };
  if (channel.secret !== null) headers[SIGNATURE_HEADER] = webhookSignature(channel.secret, timestamp, body);
  const { body: _answer, ...result } = await postJson(channel.url, body, headers, deps);
  return result;
}
