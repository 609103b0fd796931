import type { EntityList, History, Summary } from '@sla/shared';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ALERT_SETTLE_MS, createLiveUpdater } from '../../src/live/live-updater';
import { change, entity, summaryOf } from '../support/fixtures';

// Keys exactly as @trpc/react-query builds them: [path, { input, type }].
const listKey = [['entities', 'list'], { input: { sort: 'slaGap', dir: 'desc', offset: 0, limit: 50 }, type: 'query' }];
const summaryKey = [['entities', 'summary'], { input: { worst: 5 }, type: 'query' }];
const recentKey = (tenantName?: string) => [
  ['cache', 'recentChanges'],
  { input: tenantName ? { tenantName, limit: 50 } : { limit: 50 }, type: 'infinite' },
];
const historyKey = [['entities', 'history'], { input: { id: 1, days: 14 }, type: 'query' }];

describe('live updater', () => {
  const clients: QueryClient[] = [];
  afterEach(() => {
    for (const qc of clients) qc.clear();
  });

  function setup() {
    const qc = new QueryClient();
    clients.push(qc);
    const frames: (() => void)[] = [];
    const updater = createLiveUpdater(qc, (run) => frames.push(run));
    const e1 = entity({ id: 1 });
    const e2 = entity({ id: 2, entityName: 'orders' });
    qc.setQueryData<EntityList>(listKey, { total: 2, items: [e1, e2] });
    qc.setQueryData<Summary>(summaryKey, summaryOf([e1, e2]));
    qc.setQueryData(recentKey(), { pages: [{ changes: [change({ id: 10 })], nextCursor: null }], pageParams: [null] });
    qc.setQueryData(recentKey('Other'), { pages: [{ changes: [], nextCursor: null }], pageParams: [null] });
    qc.setQueryData<History>(historyKey, { entity: e1, points: [], transitions: [], lastReceivedAt: null });
    return { qc, frames, updater };
  }

  it('updates rows, rollups, recent changes and history in one frame', () => {
    const { qc, frames, updater } = setup();
    updater.push(change({ id: 11 }));
    updater.push(change({ id: 12, currentSla: 70, previousSla: 80, previousStatus: 'Failed' }));
    expect(qc.getQueryData<EntityList>(listKey)?.items[0]?.currentSla).toBe(96);
    expect(frames).toHaveLength(1);
    frames[0]?.();
    expect(qc.getQueryData<EntityList>(listKey)?.items[0]).toMatchObject({
      currentSla: 70,
      version: 12,
      status: 'Failed',
    });
    const summary = qc.getQueryData<Summary>(summaryKey);
    expect(summary?.overall.byStatus).toEqual({ Passed: 1, Failed: 1, AtRisk: 0, NoData: 0 });
    const recent = qc.getQueryData<{ pages: { changes: { id: number }[] }[] }>(recentKey());
    expect(recent?.pages[0]?.changes.map((c) => c.id)).toEqual([12, 11, 10]);
    const other = qc.getQueryData<{ pages: { changes: unknown[] }[] }>(recentKey('Other'));
    expect(other?.pages[0]?.changes).toHaveLength(0);
    const history = qc.getQueryData<History>(historyKey);
    expect(history?.points).toHaveLength(2);
    expect(history?.transitions).toHaveLength(1);
  });

  it('marks list and summary for a refetch so server ordering catches up', () => {
    const { qc, frames, updater } = setup();
    updater.push(change({ id: 11 }));
    frames[0]?.();
    expect(qc.getQueryState(listKey)?.isInvalidated).toBe(true);
    expect(qc.getQueryState(summaryKey)?.isInvalidated).toBe(true);
  });

  it('re-reads budgets and reports on changes, at most every 2 s, and leaves windows alone', () => {
    vi.useFakeTimers();
    try {
      const { qc, frames, updater } = setup();
      const overviewKey = [['budgets', 'overview'], { type: 'query' }];
      const reportKey = [['reports', 'get'], { input: { tenantName: 'T', period: '2026-11' }, type: 'query' }];
      const windowsKey = [['windows', 'list'], { input: {}, type: 'query' }];
      for (const key of [overviewKey, reportKey, windowsKey]) qc.setQueryData(key, {});
      const invalidated = () =>
        [overviewKey, reportKey, windowsKey].map((k) => qc.getQueryState(k)?.isInvalidated ?? false);
      updater.push(change({ id: 11 }));
      frames.shift()?.();
      expect(invalidated()).toEqual([true, true, false]);

      for (const key of [overviewKey, reportKey]) qc.setQueryData(key, {});
      vi.advanceTimersByTime(500);
      updater.push(change({ id: 12 }));
      frames.shift()?.();
      expect(invalidated()).toEqual([false, false, false]);
      vi.advanceTimersByTime(1500);
      expect(invalidated()).toEqual([true, true, false]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('re-reads the alert list and delivery log on a change and again once the server has evaluated it', () => {
    vi.useFakeTimers();
    try {
      const { qc, frames, updater } = setup();
      const alertsKey = [['alerts', 'list'], { input: {}, type: 'query' }];
      const deliveriesKey = [['alerts', 'deliveries', 'list'], { input: { limit: 50 }, type: 'query' }];
      const rulesKey = [['alerts', 'rules', 'list'], { input: {}, type: 'query' }];
      const keys = [alertsKey, deliveriesKey, rulesKey];
      const reset = () => {
        for (const key of keys) qc.setQueryData(key, { items: [] });
      };
      const invalidated = () => keys.map((k) => qc.getQueryState(k)?.isInvalidated ?? false);
      reset();
      updater.push(change({ id: 11 }));
      frames.shift()?.();
      // At once: an alert the change resolved or fired may already be recorded.
      expect(invalidated()).toEqual([true, true, false]);
      reset();
      // The evaluation that follows a commit lands within about a second: read again after it.
      vi.advanceTimersByTime(ALERT_SETTLE_MS + 500);
      expect(invalidated()).toEqual([true, true, false]);
    } finally {
      vi.useRealTimers();
    }
  });
});
