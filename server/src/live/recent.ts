import type { RecentChanges, ZRecentChangesInput } from '@sla/shared';
import type { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { recentChanges } from '../changelog/log.js';
import { type LogChange, toWireChange } from '../domain/change.js';

type Input = z.output<typeof ZRecentChangesInput>;

const matches = (c: LogChange, f: Input) =>
  (!f.tenantName || c.tenantName === f.tenantName) &&
  (!f.teamName || c.teamName === f.teamName) &&
  (!f.status || c.status === f.status) &&
  (!f.cursor || c.id < f.cursor);

/**
 * Newest first. Served from the pod's ring of recent changes when it holds the whole
 * page (a cache hit), otherwise from the change log in PostgreSQL (a miss).
 */
export async function listRecentChanges(app: AppDeps, input: Input): Promise<RecentChanges> {
  const { feed, follower } = app.cache;
  const ring = feed.recent();
  const found: LogChange[] = [];
  for (let i = ring.length - 1; i >= 0 && found.length < input.limit; i--) {
    const c = ring[i] as LogChange;
    if (c.id <= follower.applied && matches(c, input)) found.push(c);
  }
  const ringCoversAll = ring.length === 0 ? follower.applied === 0 : (ring[0] as LogChange).id === 1;
  let changes = found;
  if (found.length < input.limit && !ringCoversAll) {
    app.cache.misses++;
    changes = await recentChanges(app.db.sql, input);
  } else app.cache.hits++;
  const last = changes.at(-1);
  return {
    changes: changes.map(toWireChange),
    nextCursor: changes.length === input.limit && last ? last.id : null,
  };
}
