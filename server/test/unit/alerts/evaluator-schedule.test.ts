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
});
