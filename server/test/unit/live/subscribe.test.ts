import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ChangeFeed } from '../../../src/changelog/feed.js';
import { ChangeFollower } from '../../../src/changelog/follower.js';
import type { Sql } from '../../../src/db/sql.js';
import type { LogChange } from '../../../src/domain/change.js';
import { changeStream } from '../../../src/live/subscribe.js';
import { createMetrics } from '../../../src/platform/metrics.js';
import { change } from '../fixtures.js';

const row = (id: number) => ({
  id,
  entity_id: id,
  tenant_name: 'T',
  team_name: 'm',
  entity_type: 'table',
  entity_name: `e${id}`,
  previous_sla: null,
  previous_status: null,
  current_sla: 99,
  status: 'Passed',
  sla_target: 95,
  status_since: new Date(0),
  observed_at: new Date(0),
  received_at: new Date(0),
  applied: true,
  source: 'test',
});

/** The one query the stream and the follower make, `id > ? AND id <= ? ... LIMIT ?`, over an in-memory log. */
const logOf = (head: number): Sql =>
  (async (_query: string, params: unknown[] = []) => {
    const [after, upTo, limit] = params as number[];
    const rows = [];
    for (let id = (after ?? 0) + 1; id <= Math.min(head, upTo ?? head) && rows.length < (limit ?? 1e9); id++)
      rows.push(row(id));
    return rows;
  }) as Sql;

/**
 * A subscription from cursor `from` over an in-memory log of `head` changes, on a pod whose feed
 * and follower the test drives; `got` collects the tracked ids it yields (`<epoch>:<change id>`), and the reading stops
 * once `stopAt` says so (or after 3 s at most, once `done` is awaited).
 */
function subscription(head: number, from: number, whenLoaded: Promise<void>, stopAt: (got: string[]) => boolean) {
  const feed = new ChangeFeed();
  const follower = new ChangeFollower(
    async () => [],
    (run) => feed.push(run.changes),
    pino({ level: 'silent' }),
  );
  const abort = new AbortController();
  const stream = changeStream(
    {
      feed,
      follower,
      sql: logOf(head),
      metrics: createMetrics(),
      epoch: () => 'abcdef012345',
      whenLoaded: () => whenLoaded,
      tail: () => null,
    },
    {},
    from,
    abort.signal,
  );
  const got: string[] = [];
  const reading = (async () => {
    for await (const ev of stream) {
      got.push((ev as unknown as [string, LogChange])[0]);
      if (stopAt(got)) abort.abort();
    }
  })();
  const done = async () => {
    const watchdog = setTimeout(() => abort.abort(), 3_000);
    await reading;
    clearTimeout(watchdog);
  };
  return { feed, follower, got, done };
}

describe('a subscription opened while the pod is still loading its view', () => {
  it('waits for the view, then replays from its cursor: nothing between the cursor and the load is lost', async () => {
    const HEAD = 30;
    let loaded!: () => void;
    const whenLoaded = new Promise<void>((r) => {
      loaded = r;
    });
    const { feed, follower, got, done } = subscription(HEAD, 20, whenLoaded, (ids) => ids.length === 10);
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual([]);
    // The load: ring primed and the follower placed at the head, as loadViewFromPostgres does.
    feed.prime([], HEAD);
    follower.start(HEAD);
    loaded();
    await done();
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => `abcdef012345:${21 + i}`));
  });
});

describe('a subscription whose pod catches up past changes its feed never pushed', () => {
  it('reads the skipped ids from the log rather than jumping over them', async () => {
    const { feed, follower, got, done } = subscription(
      41,
      28,
      Promise.resolve(),
      (ids) => ids.at(-1) === 'abcdef012345:41',
    );
    feed.prime([], 30);
    follower.start(30);
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(['abcdef012345:29', 'abcdef012345:30']);
    // The pod reloads its view at 40 (31..40 applied without a push), then delivers 41.
    follower.start(40);
    feed.push([change(41)]);
    await done();
    expect(got).toEqual(Array.from({ length: 13 }, (_, i) => `abcdef012345:${29 + i}`));
  });
});
