import { LiveHandoff, SharedEvent } from '../trpc/shared-event.js';

/** A tRPC WebSocket answer as the adapter hands it to the encoder. */
type Message = {
  id?: unknown;
  jsonrpc?: unknown;
  result?: { type?: unknown; id?: unknown; data?: unknown };
};

/** Messages already built for an event, by subscription id: most clients number their subscriptions alike. */
const built = new WeakMap<SharedEvent, Map<unknown, string>>();

/** The text of `event` as the data message of subscription `id` (and `jsonrpc`, when the client sent one). */
export function eventText(event: SharedEvent, id: unknown, jsonrpc: unknown): string {
  let bySubscription = built.get(event);
  if (!bySubscription) {
    bySubscription = new Map();
    built.set(event, bySubscription);
  }
  const key = jsonrpc === undefined ? id : `${JSON.stringify(id)} ${JSON.stringify(jsonrpc)}`;
  const known = bySubscription.get(key);
  if (known !== undefined) return known;
  const cursor = JSON.stringify(event.id);
  const rpc = jsonrpc === undefined ? '' : `"jsonrpc":${JSON.stringify(jsonrpc)},`;
  const text = `{"id":${JSON.stringify(id)},${rpc}"result":{"type":"data","data":{"id":${cursor},"data":${event.json}},"id":${cursor}}}`;
  bySubscription.set(key, text);
  return text;
}

/** The change event (or live hand-off) a data message carries, if any. */
export function carried(message: unknown): SharedEvent | LiveHandoff | null {
  const m = message as Message;
  const envelope = m?.result?.type === 'data' ? (m.result.data as { data?: unknown } | undefined) : undefined;
  const value = envelope?.data;
  return value instanceof SharedEvent || value instanceof LiveHandoff ? value : null;
}

/**
 * The WebSocket message of a change event, built from the event's JSON serialised once
 * (trpc/shared-event.ts) instead of serialising the change again for each subscriber; null for
 * any other message (the caller encodes those as usual). The text is what the adapter's
 * JSON encoder would send for the same message, key for key:
 * `{"id":…,"result":{"type":"data","data":{"id":"<cursor>","data":<change>},"id":"<cursor>"}}`.
 */
export function eventMessage(message: unknown): string | null {
  const value = carried(message);
  if (!value) return null;
  const m = message as Message;
  return eventText(value instanceof LiveHandoff ? value.event : value, m.id, m.jsonrpc);
}
