import { formatCursor } from '@sla/shared';
import type { LogChange } from '../domain/change.js';
import { toWireChange } from '../domain/wire.js';
import { SharedEvent } from '../trpc/shared-event.js';

/**
 * The events of the most recent changes, by change object: every subscriber of a pod is
 * handed the same objects by the feed, so one serialisation serves them all. Bounded, as
 * only the newest changes are being fanned out at any time; a replay from the log reads
 * fresh objects and serialises its own.
 */
const recent = new Map<LogChange, { epoch: string; event: SharedEvent }>();
const RECENT = 4_096;

/**
 * Change `c` of the log of `epoch` as its subscribers are sent it: tracked as
 * `<epoch>:<id>`, the wire change serialised once per pod however many subscribers
 * receive it (made once, then shared).
 */
export function changeEvent(epoch: string, c: LogChange): SharedEvent {
  const known = recent.get(c);
  // The same change object under another epoch (the log was replaced meanwhile) is another event.
  if (known && known.epoch === epoch) return known.event;
  const event = new SharedEvent(formatCursor(epoch, c.id), JSON.stringify(toWireChange(c)), () => toWireChange(c));
  recent.set(c, { epoch, event });
  if (recent.size > RECENT) recent.delete(recent.keys().next().value as LogChange);
  return event;
}
