import type { Change, Entity } from '@sla/shared';
import { type LogChange, toLogChange } from './change.js';
import { type EntityState, namedIdOf } from './entity.js';

const iso = (t: number) => new Date(t).toISOString();

/** The wire form of an entity; `stale` is derived from the time since its last observation. */
export const toWireEntity = (e: EntityState, staleBefore: number): Entity => ({
  ...namedIdOf(e),
  slaTarget: e.slaTarget,
  currentSla: e.currentSla,
  status: e.status,
  statusSince: iso(e.statusSince),
  observedAt: iso(e.observedAt),
  updatedAt: iso(e.updatedAt),
  version: e.version,
  stale: e.observedAt < staleBefore,
});

/** The observation time (epoch ms) before which an entity counts as stale: `now` minus STALE_AFTER_MINUTES. */
export const staleBefore = (staleAfterMinutes: number, now = Date.now()) => now - staleAfterMinutes * 60_000;

/** The wire form of a change-log row (times as ISO 8601; status-since stays on the server). */
export function toWireChange(c: LogChange): Change {
  const { statusSince: _, ...rest } = toLogChange(c);
  return { ...rest, observedAt: iso(c.observedAt), receivedAt: iso(c.receivedAt) };
}
