import { type Change, formatCursor } from '@sla/shared';
import type { LogChange } from '../domain/change.js';
import { toWireChange } from '../domain/wire.js';

/**
 * One change as every subscriber of this pod is sent it: its tracked id (`<epoch>:<id>`)
 * and its wire form as JSON text, serialised once per change however many subscribers
 * receive it. The WebSocket encoder (http/ws-frames.ts) puts `json` into each message as
 * is; any other serialiser (the SSE link, JSON.stringify) gets the wire change from
 * `toJSON`, so every transport sends the same value.
 */
export class ChangeEvent {
  constructor(
    readonly epoch: string,
    readonly cursor: string,
    readonly change: LogChange,
    readonly json: string,
  ) {}

  toJSON(): Change {
    return toWireChange(this.change);
  }
}

/**
 * The events of the most recent changes, by change object: every subscriber of a pod is
 * handed the same objects by the feed, so one serialisation serves them all. Bounded, as
 * only the newest changes are being fanned out at any time; a replay from the log reads
 * fresh objects and serialises its own.
 */
const recent = new Map<LogChange, ChangeEvent>();
const RECENT = 4_096;

/** The event of change `c` in the log of `epoch` (made once, then shared). */
export function changeEvent(epoch: string, c: LogChange): ChangeEvent {
  const known = recent.get(c);
  // The same change object under another epoch (the log was replaced meanwhile) is another event.
  if (known && known.epoch === epoch) return known;
  const event = new ChangeEvent(epoch, formatCursor(epoch, c.id), c, JSON.stringify(toWireChange(c)));
  recent.set(c, event);
  if (recent.size > RECENT) recent.delete(recent.keys().next().value as LogChange);
  return event;
}

/**
 * Sends one event straight to a subscriber's socket, framed as its subscription's data
 * message; false when the socket no longer takes messages (closing, or dropped for not
 * reading), after which nothing more should be sent.
 */
export type EventSender = (event: ChangeEvent) => boolean;

/**
 * The first live event of a WebSocket subscription, carrying the way to hand the rest
 * over: the connection's encoder sends `event` as usual and calls `attach` with a sender
 * for this subscription's later events (http/trpc-ws.ts). From then on the stream sends
 * each change as it is delivered, in the feed's own call, instead of yielding it through
 * the adapter's per-value loop: one direct send per subscriber per change.
 */
export class LiveHandoff {
  constructor(
    readonly event: ChangeEvent,
    readonly attach: (send: EventSender) => void,
  ) {}

  toJSON(): Change {
    return this.event.toJSON();
  }
}
