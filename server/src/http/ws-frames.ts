import { ChangeEvent } from '../live/event.js';

/** A tRPC WebSocket answer as the adapter hands it to the encoder. */
type Message = {
  id?: unknown;
  jsonrpc?: unknown;
  result?: { type?: unknown; id?: unknown; data?: unknown };
};

/** Messages already built for an event, by subscription id: most clients number their subscriptions alike. */
const built = new WeakMap<ChangeEvent, Map<unknown, string>>();

/**
 * The WebSocket message of a change event, built from the event's JSON serialised once
 * (live/event.ts) instead of serialising the change again for each subscriber; null for
 * any other message (the caller encodes those as usual). The text is what the adapter's
 * JSON encoder would send for the same message, key for key:
 * `{"id":…,"result":{"type":"data","data":{"id":"<cursor>","data":<change>},"id":"<cursor>"}}`.
 */
export function eventMessage(message: unknown): string | null {
  const m = message as Message;
  const envelope = m?.result?.type === 'data' ? (m.result.data as { data?: unknown } | undefined) : undefined;
  const event = envelope?.data;
  if (!(event instanceof ChangeEvent)) return null;
  let bySubscription = built.get(event);
  if (!bySubscription) {
    bySubscription = new Map();
    built.set(event, bySubscription);
  }
  const key = m.jsonrpc === undefined ? m.id : `${JSON.stringify(m.id)} ${JSON.stringify(m.jsonrpc)}`;
  const known = bySubscription.get(key);
  if (known !== undefined) return known;
  const cursor = JSON.stringify(event.cursor);
  const rpc = m.jsonrpc === undefined ? '' : `"jsonrpc":${JSON.stringify(m.jsonrpc)},`;
  const text = `{"id":${JSON.stringify(m.id)},${rpc}"result":{"type":"data","data":{"id":${cursor},"data":${event.json}},"id":${cursor}}}`;
  bySubscription.set(key, text);
  return text;
}
