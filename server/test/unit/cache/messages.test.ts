import { describe, expect, it } from 'vitest';
import {
  type ChangesMessage,
  formatChanges,
  isFrom,
  parseMessage,
  ZChangesMessage,
  ZRefreshMessage,
} from '../../../src/cache/messages.js';
import { capturedLog, change, run } from '../fixtures.js';

const warnings = (lines: Record<string, unknown>[]) => lines.filter((l) => l.level === 40);

describe('parseMessage', () => {
  it('reads back a changes message exactly as a pod publishes it', () => {
    const { log, lines } = capturedLog();
    const published: ChangesMessage = {
      pod: 'pod-a',
      ...run(7, 8),
      changes: [change(7, { applied: false, previousSla: 91.5, previousStatus: 'Passed' }), change(8)],
    };
    expect(parseMessage(ZChangesMessage, JSON.stringify(published), 'changes', log)).toEqual(published);
    expect(lines).toEqual([]);
  });

  it('reads a refresh message', () => {
    const { log } = capturedLog();
    const m = { generation: 4, at: '2025-01-11T15:30:00.000Z', durationMs: 812.5, podId: 'pod-b', entityCount: 1200 };
    expect(parseMessage(ZRefreshMessage, JSON.stringify(m), 'refresh', log)).toEqual(m);
  });

  it('drops a message that is not JSON with one warning naming the channel, without throwing', () => {
    const { log, lines } = capturedLog();
    for (const raw of ['', '{"pod":', 'hello', '\u0000']) {
      expect(parseMessage(ZChangesMessage, raw, 'changes', log)).toBeNull();
    }
    expect(warnings(lines)).toHaveLength(4);
    expect(warnings(lines)[0]).toMatchObject({ channel: 'changes', msg: 'dropped a pub/sub message that is not JSON' });
  });

  it('drops a message that breaks the schema with one warning listing the first issues', () => {
    const { log, lines } = capturedLog();
    const good = { pod: 'pod-a', ...run(1, 1) };
    const bad: unknown[] = [
      null,
      [],
      42,
      { ...good, fromId: 0 },
      { ...good, toId: '1' },
      { ...good, changes: [{ ...change(1), status: 'Bogus' }] },
      { ...good, changes: [{ ...change(1), observedAt: '2025-01-11T00:00:00Z' }] },
      { fromId: 1, toId: 1, changes: [] },
      { generation: 1 },
    ];
    for (const m of bad) expect(parseMessage(ZChangesMessage, JSON.stringify(m), 'changes', log)).toBeNull();
    expect(warnings(lines)).toHaveLength(bad.length);
    const statusWarning = warnings(lines)[5];
    expect(statusWarning).toMatchObject({ channel: 'changes', msg: 'dropped a malformed pub/sub message' });
    expect(JSON.stringify(statusWarning?.issues)).toContain('status');
    expect(parseMessage(ZRefreshMessage, '{"generation":-1}', 'refresh', log)).toBeNull();
  });
});

describe('a pod telling its own change runs apart', () => {
  it('knows a run it published by its first bytes, and no other pod’s, heartbeat or look-alike', () => {
    const { log } = capturedLog();
    const mine: ChangesMessage = { pod: 'pod-a', epoch: 'e1', ...run(7, 8), changes: [change(7), change(8)] };
    const raw = formatChanges(mine);
    expect(parseMessage(ZChangesMessage, raw, 'changes', log)).toEqual(mine);
    expect(isFrom(raw, 'pod-a')).toBe(true);
    expect(isFrom(raw, 'pod-ab')).toBe(false);
    expect(isFrom(formatChanges({ ...mine, pod: 'pod-ab' }), 'pod-a')).toBe(false);
    expect(isFrom(formatChanges({ ...mine, pod: 'pod "a"' }), 'pod "a"')).toBe(true);
    expect(isFrom('{"kind":"heartbeat","pod":"pod-a"}', 'pod-a')).toBe(false);
    expect(isFrom(JSON.stringify({ epoch: 'e1', pod: 'pod-a' }), 'pod-a')).toBe(false);
  });
});
