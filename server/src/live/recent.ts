import type { RecentChanges, ZRecentChangesInput } from '@sla/shared';
import type { z } from 'zod';
import { recentChanges } from '../changelog/log.js';
import type { LogChange } from '../domain/change.js';
import { toWireChange } from '../domain/wire.js';
import { isDatabaseUnavailable } from '../platform/errors.js';
import type { LiveDeps } from './deps.js';

type Input = z.output<typeof ZRecentChangesInput>;

/** Tail entries per read while looking for a filtered page. */
const TAIL_PAGE = 1_000;
/** At most this many tail entries are looked through for one page (then PostgreSQL answers). */
const TAIL_SCAN = 20_000;

const matches = (c: LogChange, f: Input) =>
  (!f.tenantName || c.tenantName === f.tenantName) &&
  (!f.teamName || c.teamName === f.teamName) &&
  (!f.status || c.status === f.status) &&
  (!f.cursor || c.id < f.cursor);

/**
 * Accepted changes, newest first, filtered by tenant/team/status, paged by change id
 * (`cursor`: return ids below it; `nextCursor` is null on the last page). Served from the
 * pod's ring of recent changes when it holds the whole page (a cache hit), else from the
 * Redis change tail when it does (also a hit: it answers while PostgreSQL is away),
 * otherwise from the change log in PostgreSQL (a miss).
 */
export async function listRecentChanges(d: LiveDeps, input: Input): Promise<RecentChanges> {
  const ring = fromRing(d, input);
  if (ring) return page(ring, input);
  const tail = await fromTail(d, input);
  if (Array.isArray(tail)) return page(tail, input);
  try {
    return page(await fromLog(d, input), input);
  } catch (err) {
    // PostgreSQL away: what the tail holds is still the truth for its span. Answer those
    // matches with a cursor below the span, so only the next page needs PostgreSQL.
    if (!isDatabaseUnavailable(err) || !tail) throw err;
    d.metrics.changeLogReads.inc({ reader: 'recent', source: 'redis_tail' });
    return { changes: tail.found.map(toWireChange), nextCursor: tail.below };
  }
}

const page = (changes: LogChange[], input: Input): RecentChanges => {
  const last = changes.at(-1);
  return {
    changes: changes.map(toWireChange),
    nextCursor: changes.length === input.limit && last ? last.id : null,
  };
};

/** What a current tail holds for a filtered page it cannot complete: its matches, and the id its span (or scan) stops above. */
type PartialPage = { found: LogChange[]; below: number };

/**
 * The page from the pod's ring, or null when the ring cannot vouch for it: it answers
 * alone only when it verifiably holds every change up to what this pod has delivered (up
 * to date, no newer change it lacks) and, for a short page, back to id 1.
 */
function fromRing(d: LiveDeps, input: Input): LogChange[] | null {
  const { feed, follower } = d;
  const { changes: ring, window } = feed.recent();
  const found: LogChange[] = [];
  for (let i = ring.length - 1; i >= 0 && found.length < input.limit; i--) {
    const c = ring[i] as LogChange;
    if (c.id <= follower.applied && matches(c, input)) found.push(c);
  }
  const current = window !== null && window.toId >= follower.applied;
  if (!current || (found.length < input.limit && window.fromId > 1)) return null;
  d.metrics.cacheReads.inc({ result: 'hit' });
  return found;
}

/**
 * The page from the Redis tail, walked newest first over its contiguous span; when it
 * cannot vouch for a whole page (the same rule as the ring: current up to what this pod
 * has delivered, and back to id 1 for a short page) but is current, what it found (a
 * `PartialPage`); null when it is behind or Redis is not readable.
 */
async function fromTail(d: LiveDeps, input: Input): Promise<LogChange[] | PartialPage | null> {
  const tail = d.tail();
  if (!tail) return null;
  const applied = d.follower.applied;
  const found: LogChange[] = [];
  let oldestSeen: number | null = null;
  let before = Math.min(input.cursor ?? Number.MAX_SAFE_INTEGER, applied + 1);
  try {
    for (let scanned = 0; found.length < input.limit; ) {
      const page = await tail.before(before, TAIL_PAGE);
      if (!page || page.window.last < applied) return null;
      for (const c of page.changes) if (matches(c, input) && found.length < input.limit) found.push(c);
      scanned += page.changes.length;
      const oldest = page.changes.at(-1);
      // Reached the span's start: complete only when the span starts at the log's first change.
      if (!oldest || page.changes.length < TAIL_PAGE) {
        // A cursor at or below the span's start: the tail covers none of the page.
        const reached = oldest?.id ?? oldestSeen;
        if (found.length < input.limit && page.window.from > 1) return reached ? { found, below: reached } : null;
        break;
      }
      if (scanned >= TAIL_SCAN) return { found, below: oldest.id };
      before = oldestSeen = oldest.id;
    }
  } catch {
    return null;
  }
  d.metrics.cacheReads.inc({ result: 'hit' });
  d.metrics.changeLogReads.inc({ reader: 'recent', source: 'redis_tail' });
  return found;
}

async function fromLog(d: LiveDeps, input: Input): Promise<LogChange[]> {
  d.metrics.cacheReads.inc({ result: 'miss' });
  d.metrics.changeLogReads.inc({ reader: 'recent', source: 'postgres' });
  return recentChanges(d.sql, input);
}
