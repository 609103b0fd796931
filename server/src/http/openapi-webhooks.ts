import { ZAlertMessage } from '@sla/shared';
import { createSchema } from 'zod-openapi';

/**
 * Header names of a webhook delivery, as `alerts/channels/signature.ts` sends them (http/ may
 * not import alerts/; a test checks the two agree).
 */
export const WEBHOOK_HEADERS = {
  delivery: 'X-SLA-Delivery',
  timestamp: 'X-SLA-Timestamp',
  signature: 'X-SLA-Signature',
} as const;

const SIGNATURE_SCHEME =
  "`v1=` followed by the lower-case hex HMAC-SHA256 with the channel's secret (UTF-8) as key over `<X-SLA-Timestamp>.<raw body>` — the timestamp header's decimal text, a dot, then the exact bytes of the request body (the scheme Stripe documents for its webhooks). Sent only when the channel has a secret. Verify by recomputing over the bytes received (before parsing the JSON), compare in constant time, and refuse a timestamp far from your clock (5 minutes is usual) so a captured request cannot be replayed. The `v1=` prefix leaves room for a later scheme.";

/**
 * The OpenAPI 3.1 `webhooks` entry `alert` (the POST the service sends to a webhook channel,
 * body `#/components/schemas/AlertMessage`, headers X-SLA-Delivery, X-SLA-Timestamp and
 * X-SLA-Signature) and the schemas it refers to (`AlertMessage` from the shared zod
 * `ZAlertMessage`, through zod-openapi as the routes' schemas are).
 */
export function alertWebhook(): { webhooks: Record<string, unknown>; schemas: Record<string, unknown> } {
  const { schema, components } = createSchema(ZAlertMessage, { io: 'output', openapiVersion: '3.1.0' });
  const header = (description: string, schema: Record<string, unknown>, required = true) => ({
    in: 'header',
    required,
    description,
    schema,
  });
  return {
    schemas: { ...components, AlertMessage: schema },
    webhooks: {
      alert: {
        post: {
          tags: ['alerts'],
          summary: 'Alert message sent to a webhook channel',
          description:
            'What the service POSTs to a `webhook` channel: one message holding one or more state changes of one team. 2xx is success; 408, 429, 5xx, timeouts and connection errors are retried with exponential backoff and jitter (the same `deliveryId` and changes); any other status gives the message up. De-duplicate by `deliveryId` (also in the X-SLA-Delivery header); within a message `(fingerprint, sequence)` identifies each state change. See docs/alerting.md.',
          operationId: 'alert-webhook',
          parameters: [
            header(
              "The message's `deliveryId`: the same on every resend of the message, so a receiver can de-duplicate.",
              { type: 'string', format: 'uuid' },
            ),
            header("Unix time of this attempt in seconds (decimal); part of the signature's signed text.", {
              type: 'string',
              pattern: '^[0-9]+$',
            }),
            header(SIGNATURE_SCHEME, { type: 'string', pattern: '^v1=[0-9a-f]{64}$' }, false),
          ].map((p, i) => ({ ...p, name: Object.values(WEBHOOK_HEADERS)[i] })),
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/AlertMessage' } } },
          },
          responses: {
            '2XX': { description: 'Accepted: the message is delivered and not sent again.' },
            default: {
              description:
                '408, 429 and 5xx (and timeouts, connection errors) are retried with backoff; any other answer gives the message up (counted as refused).',
            },
          },
        },
      },
    },
  };
}
