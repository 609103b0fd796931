/**
 * Bounds on what one client can make a pod do in one request or connection. The server
 * enforces them (docs/operations.md, "Per-client limits") and the dashboard's client is
 * configured with the same numbers, so it never meets them.
 */

/**
 * Most calls one tRPC HTTP batch, or one WebSocket message, may carry. The dashboard's
 * `httpBatchLink` uses it as `maxItems` and splits larger batches itself.
 */
export const MAX_BATCH_CALLS = 10;

/** Most subscriptions one WebSocket connection may hold open at a time. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 10;
