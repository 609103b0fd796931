import { ZAlertRule } from '@sla/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IngestAvailability } from '../../../src/alerts/availability.js';
import { AlertEvaluator } from '../../../src/alerts/evaluator.js';
import { EntityView } from '../../../src/readmodel/view.js';

/** An evaluator with no rules over an empty view, counting how often it looked at `loaded` and the configuration. */
function evaluator(loadedAfterMs: number, opts: { intervalMs: number; failing?: boolean }) {
  const started = Date.now();
  const counts = { loadedChecks: 0, cycles: 0, recordReads: 0 };
  const sql = async () => {
    counts.recordReads++;
    if (opts.failing) throw new Error('PostgreSQL away');
    return [];
  };
  const e = new AlertEvaluator(
    {
      db: { sql: sql as never, tx: (async () => undefined) as never },
      source: async () => {
        counts.cycles++;
        return { rules: [], channels: new Map(), silences: [] };
      },
      view: new EntityView(),
      book: { get: () => undefined } as never,
      loaded: () => {
        counts.loadedChecks++;
        return Date.now() - started >= loadedAfterMs;
      },
      policy: { settingsOf: () => ({ noDataPolicy: 'exclude' }), scopedWindows: () => [] },
      availability: new IngestAvailability(),
      onQueued: () => {},
    },
    { intervalMs: opts.intervalMs, graceMs: 0, staleAfterMs: 1_800_000, outboxMax: 100 },
  );
  return { e, counts };
}

/** Runs the evaluator for `ms` of fake time, then stops it. */
async function runFor(e: AlertEvaluator, ms: number): Promise<void> {
  const lost = new AbortController();
  const work = e.work({ name: 'alerting', token: 1 }, lost.signal);
  await vi.advanceTimersByTimeAsync(ms);
  lost.abort();
  await work;
}

describe('the evaluator’s schedule', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('while the view is loading, looks again about once a second (no busy loop), then runs a full cycle', async () => {
    const { e, counts } = evaluator(1_500, { intervalMs: 60_000 });
    await runFor(e, 2_600);
    expect(counts.loadedChecks).toBeGreaterThanOrEqual(2);
    expect(counts.loadedChecks).toBeLessThanOrEqual(4);
    expect(counts.cycles).toBe(1);
  });

  it('after a failed cycle (PostgreSQL away) waits the interval before trying again', async () => {
    const { e, counts } = evaluator(0, { intervalMs: 1_000, failing: true });
    await runFor(e, 2_500);
    expect(counts.recordReads).toBeGreaterThanOrEqual(2);
    expect(counts.recordReads).toBeLessThanOrEqual(3);
  });

  it('runs a full cycle each interval and, between them, none while nothing changed', async () => {
    const { e, counts } = evaluator(0, { intervalMs: 1_000 });
    await runFor(e, 2_500);
    expect(counts.cycles).toBeGreaterThanOrEqual(2);
    expect(counts.cycles).toBeLessThanOrEqual(3);
  });

  it('ends a walk of many runs even when the configuration changes during every run of it', async () => {
    // Every 500th entity read, the configuration "changes" (as a flood of reloads would say).
    const w = walker((e, reads) => {
      if (reads % 500 === 0) e.changed();
    });
    await runFor(w.e, 2_000);
    expect(w.reads()).toBeGreaterThanOrEqual(5_000);
    expect(w.cycles.filter((c) => c === 'full').length).toBeGreaterThanOrEqual(1);
  });

  it('evaluates an entity changed during a walk before the walk ends (between two of its runs)', async () => {
    // No debounce: under the fake clock the walk takes no time, so a 200 ms one would outlast it.
    const w = walker((e, reads) => {
      if (reads === 100) e.changed([4_999]);
    }, 0);
    await runFor(w.e, 2_000);
    expect(w.cycles.slice(0, 2)).toEqual(['incremental', 'full']);
  });
});

/**
 * An evaluator over 5,000 Passed entities (three runs of 2,000) with a rule that holds for none
 * (no writes); `onRead` is called at each entity's timeline read (its count so far), and
 * `cycles` lists the cycles observed, in order. `debounceMs` as the evaluator's option.
 */
function walker(onRead: (e: AlertEvaluator, reads: number) => void, debounceMs = 200) {
  const view = new EntityView();
  for (let id = 1; id <= 5_000; id++)
    view.apply({
      id,
      tenantName: 'Shop',
      teamName: 'orders',
      entityType: 'table',
      entityName: `t${id}`,
      slaTarget: 99,
      currentSla: 99.5,
      status: 'Passed',
      statusSince: 0,
      observedAt: Date.now(),
      updatedAt: Date.now(),
      version: 1,
    });
  const cycles: string[] = [];
  let reads = 0;
  const rule = ZAlertRule.parse({
    id: 1,
    name: 'failed',
    tenantName: 'Shop',
    kind: 'status',
    status: { to: 'Failed', forMinutes: 0 },
  });
  const e: AlertEvaluator = new AlertEvaluator(
    {
      db: { sql: (async () => []) as never, tx: (async () => undefined) as never },
      source: async () => ({ rules: [rule], channels: new Map(), silences: [] }),
      view,
      book: {
        get: () => {
          onRead(e, ++reads);
          return undefined;
        },
      } as never,
      loaded: () => true,
      policy: { settingsOf: () => ({ noDataPolicy: 'exclude' }), scopedWindows: () => [] },
      availability: new IngestAvailability(),
      onQueued: () => {},
      metrics: {
        evaluation: { evaluationSeconds: { observe: (l: { cycle: string }) => cycles.push(l.cycle) } } as never,
      },
    },
    { intervalMs: 60_000, graceMs: 0, staleAfterMs: 1_800_000, outboxMax: 100, debounceMs },
  );
  return { e, cycles, reads: () => reads };
}
