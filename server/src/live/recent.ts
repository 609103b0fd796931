import type { RecentChanges, ZRecentChangesInput } from '@sla/shared';
import type { z } from 'zod';
import { recentChanges } from '../changelog/log.js';
import type { LogChange } from '../domain/change.js';
import { toWireChange } from '../domain/wire.js';
import type { LiveDeps } from './deps.js';

type Input = z.output<typeof ZRecentChangesInput>;

const matches = (c: LogChange, f: Input) =>
  (!f.tenantName || c.tenantName === f.tenantName) &&
  (!f.teamName || c.teamName === f.teamName) &&
  (!f.status || c.status === f.status) &&
  (!f.cursor || c.id < f.cursor);

/**
 * Accepted changes, newest first, filtered by tenant/team/status, paged by change id
 * (`cursor`: return ids below it; `nextCursor` is null on the last page). Served from the
 * pod's ring of recent changes when it holds the whole page (a cache hit), otherwise
 * from the change log in PostgreSQL (a miss).
 */
export async function listRecentChanges(d: LiveDeps, input: Input): Promise<RecentChanges> {
  const { feed, follower } = d;
  const { changes: ring, window } = feed.recent();
  const found: LogChange[] = [];
  for (let i = ring.length - 1; i >= 0 && found.length < input.limit; i--) {
    const c = ring[i] as LogChange;
    if (c.id <= follower.applied && matches(c, input)) found.push(c);
  }
  // The ring answers alone only when it verifiably holds every change up to what this pod
  // has delivered: up to date (no newer change it lacks) and, for a short page, back to id 1.
  const current = window !== null && window.toId >= follower.applied;
  const ringCoversAll = current && window.fromId <= 1;
  let changes = found;
  if (!current || (found.length < input.limit && !ringCoversAll)) {
    d.metrics.cacheReads.inc({ result: 'miss' });
    changes = await recentChanges(d.sql, input);
  } else d.metrics.cacheReads.inc({ result: 'hit' });
  const last = changes.at(-1);
  return {
    changes: changes.map(toWireChange),
    nextCursor: changes.length === input.limit && last ? last.id : null,
  };
}
