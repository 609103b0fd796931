import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { fleetView, heartbeatTtlMs, selfLag } from '../../../src/cache/fleet.js';
import {
  formatHeartbeat,
  type HeartbeatMessage,
  isHeartbeat,
  parseMessage,
  ZChangesMessage,
  ZHeartbeatMessage,
} from '../../../src/cache/messages.js';

const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const beat = (pod: string, headId: number, atMs: number, extra: Partial<HeartbeatMessage> = {}): HeartbeatMessage => ({
  kind: 'heartbeat',
  pod,
  version: '1.0.0',
  mode: 'redis',
  headId,
  lagChanges: 0,
  subscribers: 0,
  startedAt: iso(T0 - 60_000),
  at: iso(atMs),
  ...extra,
});

describe('heartbeat messages', () => {
  const log = pino({ level: 'silent' });

  it('round-trip through JSON, kind first, and are told apart from change runs without parsing them', () => {
    const m = beat('pod-a', 42, T0, { lagChanges: 3, subscribers: 2 });
    const raw = formatHeartbeat(m);
    expect(raw.startsWith('{"kind":"heartbeat"')).toBe(true);
    expect(isHeartbeat(raw)).toBe(true);
    expect(parseMessage(ZHeartbeatMessage, raw, 'changes', log)).toEqual(m);
    const run = JSON.stringify({ pod: 'pod-a', fromId: 1, toId: 1, changes: [] });
    expect(isHeartbeat(run)).toBe(false);
    // A heartbeat is no change run: the run schema refuses it (it has no ids or changes).
    expect(parseMessage(ZChangesMessage, raw, 'changes', log)).toBeNull();
  });

  it('refuses malformed heartbeats: missing head, negative lag, a mode that does not exist, a bad time', () => {
    const good = beat('p', 1, T0);
    for (const bad of [
      { ...good, headId: undefined },
      { ...good, lagChanges: -1 },
      { ...good, mode: 'cluster' },
      { ...good, at: 'yesterday' },
      { ...good, pod: '' },
      { ...good, headId: 1.5 },
    ])
      expect(parseMessage(ZHeartbeatMessage, JSON.stringify(bad), 'changes', log)).toBeNull();
    expect(parseMessage(ZHeartbeatMessage, '{"kind":"heartbeat"', 'changes', log)).toBeNull();
  });
});

describe('fleet lag', () => {
  it('a pod reports the newest head it knows of minus what it applied, never less than 0', () => {
    expect(selfLag(10, [])).toBe(0);
    expect(selfLag(10, [7, 12, 15])).toBe(5);
    expect(selfLag(20, [7, 12, 15])).toBe(0);
  });

  it('compares each pod with the heads of heartbeats sent no later than its own', () => {
    const pods = fleetView(
      [
        beat('writer', 100, T0), // the head at T0
        beat('healthy', 130, T0 + 500), // beat later, after more writes: not behind
        beat('behind', 60, T0 + 300), // beat after the writer's 100: 40 behind
      ],
      T0 + 1_000,
      heartbeatTtlMs(2_000),
    );
    expect(pods.map((p) => [p.podId, p.lag])).toEqual([
      ['behind', 40],
      ['healthy', 0],
      ['writer', 0],
    ]);
  });

  it("uses earlier heartbeats of the history: a pod that beat just before the writer's latest is still compared", () => {
    const latest = [beat('writer', 200, T0 + 400), beat('cut', 90, T0 + 350)];
    const history = [...latest, beat('writer', 150, T0), beat('writer', 180, T0 + 300)];
    expect(fleetView(latest, T0 + 500, 6_000).find((p) => p.podId === 'cut')?.lag).toBe(0);
    expect(fleetView(latest, T0 + 500, 6_000, history).find((p) => p.podId === 'cut')?.lag).toBe(90);
  });

  it("takes the pod's own report when it is larger, and maps the message to the status fields", () => {
    const [p] = fleetView([beat('cut', 5, T0, { lagChanges: 9, subscribers: 3, mode: 'memory' })], T0, 6_000);
    expect(p).toEqual({
      podId: 'cut',
      version: '1.0.0',
      mode: 'memory',
      lastChangeId: 5,
      lag: 9,
      subscribers: 3,
      startedAt: iso(T0 - 60_000),
      lastSeenAt: iso(T0),
    });
  });

  it('keeps the newest heartbeat per pod and leaves out pods silent for longer than the TTL (3 intervals)', () => {
    expect(heartbeatTtlMs(2_000)).toBe(6_000);
    const pods = fleetView(
      [beat('a', 1, T0), beat('a', 3, T0 + 2_000), beat('gone', 9, T0 - 6_001), beat('b', 3, T0 + 2_000)],
      T0 + 2_000,
      heartbeatTtlMs(2_000),
    );
    expect(pods.map((p) => [p.podId, p.lastChangeId])).toEqual([
      ['a', 3],
      ['b', 3],
    ]);
    // The dead pod's head (9) is not the fleet's head either: nobody is "behind" a pod that is gone.
    expect(pods.every((p) => p.lag === 0)).toBe(true);
  });
});
