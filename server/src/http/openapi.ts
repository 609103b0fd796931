import { ZIncrementalUpdate } from '@sla/shared';
import type { AnyTRPCRouter } from '@trpc/server';
import { generateOpenApiDocument } from 'trpc-to-openapi';
import { alertWebhook } from './openapi-webhooks.js';

const errorBody = {
  type: 'object',
  properties: {
    code: { type: 'string', example: 'BAD_REQUEST' },
    message: { type: 'string', example: 'currentSla: currentSla must be between 0 and 100' },
    issues: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
  required: ['code', 'message'],
} as const;

const health = (summary: string, description: string) => ({
  get: {
    tags: ['health'],
    summary,
    description,
    operationId: `health-${summary.toLowerCase().replace(/\W+/g, '-')}`,
    responses: {
      '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
      '503': { description: 'Not ready', content: { 'application/json': { schema: { type: 'object' } } } },
    },
  },
});

const errorResponse = (description: string, retryAfter = false) => ({
  description,
  ...(retryAfter
    ? {
        headers: {
          'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
        },
      }
    : {}),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** Answers the ingest routes give besides those the generator derives from the procedures. */
const INGEST_ERRORS = {
  '413': errorResponse('Request body too large (1 MiB; 8 MiB on the batch route), counted after decoding'),
  '415': errorResponse('Content-Type is not application/json, or Content-Encoding is not gzip, deflate or br'),
  '429': errorResponse('Rate limit of this token exceeded', true),
  '503': errorResponse(
    'PostgreSQL unreachable or busy, or the pod shutting down: the message says whether nothing was written or the outcome is unknown (then retry with the same Idempotency-Key or observedAt)',
    true,
  ),
};

type Operation = {
  responses?: Record<string, unknown>;
  requestBody?: { content?: Record<string, { example?: unknown }> };
};

/** Adds the extra error answers and a request example (the original body) to an ingest route. */
function describeIngest(paths: Record<string, unknown>, path: string, example: unknown): void {
  const op = (paths[path] as { post?: Operation } | undefined)?.post;
  if (!op) return;
  op.responses = { ...(op.responses ?? {}), ...INGEST_ERRORS };
  const json = op.requestBody?.content?.['application/json'];
  if (json && example !== undefined) json.example = example;
}

/**
 * The OpenAPI 3.1 document for pollers and probes, generated from the router's `openapi`
 * meta, with the health routes, the shared error body, the ingest examples and the alert
 * webhook (`webhooks.alert`: what the service POSTs to a webhook channel) added.
 */
export function openApiDocument(router: AnyTRPCRouter, baseUrl: string) {
  const doc = generateOpenApiDocument(router, {
    title: 'SLA service API',
    version: '1.0.0',
    description:
      'Pollers push SLA results; probes and tools read cache status and recent changes. Ingest needs a bearer token from INGEST_TOKENS; reads need READ_TOKEN only when it is set.',
    baseUrl,
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'An INGEST_TOKENS token (or READ_TOKEN for reads)' },
    },
    tags: ['cache', 'health'],
  });
  doc.components ??= {};
  const components = doc.components;
  const webhook = alertWebhook();
  components.schemas = {
    ...(components.schemas ?? {}),
    ...(webhook.schemas as Record<string, never>),
    Error: errorBody as never,
  };
  (doc as { webhooks?: Record<string, unknown> }).webhooks = webhook.webhooks;
  doc.paths ??= {};
  const paths = doc.paths as Record<string, unknown>;
  Object.assign(paths, {
    '/health': health(
      'Health',
      'The original probe path: readiness plus the state of each dependency (ok, degraded, down).',
    ),
    '/health/live': health('Liveness', 'The process is alive; no dependency is checked.'),
    '/health/ready': health('Readiness', '503 while draining or before the cache is initialised.'),
  });
  const example = (ZIncrementalUpdate.meta() as { example?: unknown } | undefined)?.example;
  describeIngest(paths, '/cache/incremental-update', example);
  describeIngest(paths, '/cache/incremental-updates', example === undefined ? undefined : { updates: [example] });
  return doc;
}
