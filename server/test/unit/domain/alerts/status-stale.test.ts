import type { Status } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import { FakeEntity, M, type Obs, rule, simulate } from './harness.js';

const DAY = 24 * 60 * M;
type Reading = [status: Status, currentSla: number, target: number];
/** An observation every `step` minutes over `[from, to]`. */
const every = (from: number, to: number, step: number, reading: (m: number) => Reading): Obs[] => {
  const out: Obs[] = [];
  for (let m = from; m <= to; m += step) out.push([m, ...reading(m)]);
  return out;
};

describe('status rules', () => {
  it('fires once the entity has been Failed for forMinutes without a break, and resolves when it recovers', () => {
    const failed = rule({ kind: 'status', status: { to: 'Failed', forMinutes: 30 } });
    const lines = simulate({
      rules: [failed],
      entities: [
        new FakeEntity(
          1,
          [
            [0, 'Passed', 100, 99],
            [100, 'Failed', 50, 99],
            [200, 'Passed', 100, 99],
          ],
          DAY,
        ),
        // Failed for 20 minutes, a break, then Failed again: the clock restarts at 150.
        new FakeEntity(
          2,
          [
            [0, 'Passed', 100, 99],
            [100, 'Failed', 50, 99],
            [120, 'Passed', 100, 99],
            [150, 'Failed', 50, 99],
            [200, 'Passed', 100, 99],
          ],
          DAY,
        ),
      ],
      from: 0,
      to: 300,
    });
    expect(lines).toEqual([
      '130 firing status t1',
      '180 firing status t2',
      '200 resolved status t1',
      '200 resolved status t2',
    ]);
  });

  it('below_target: fires after forMinutes under the target (the timeline says since when), resolves back above it', () => {
    const below = rule({ kind: 'status', status: { to: 'below_target', forMinutes: 10 } });
    const sla = (m: number) => (m >= 20 && m < 40 ? 98.5 : 99.5);
    const lines = simulate({
      rules: [below],
      entities: [
        new FakeEntity(
          1,
          every(0, 100, 5, (m) => ['AtRisk', sla(m), 99]),
          30 * M,
        ),
      ],
      from: 0,
      to: 100,
    });
    expect(lines).toEqual(['30 firing status t1', '40 resolved status t1']);
  });

  it('below_target: an entity gone stale has no known status, so the alert resolves then', () => {
    const below = rule({ kind: 'status', status: { to: 'below_target', forMinutes: 10 } });
    const lines = simulate({
      rules: [below],
      entities: [
        new FakeEntity(
          1,
          [
            [0, 'Passed', 100, 99],
            [10, 'AtRisk', 98, 99],
          ],
          30 * M,
        ),
      ],
      from: 0,
      to: 100,
    });
    expect(lines).toEqual(['20 firing status t1', '40 resolved status t1']);
  });
});

describe('stale rules', () => {
  const stale = rule({ kind: 'stale', stale: { forMinutes: 15 } });
  const ok = (): Reading => ['Passed', 100, 99];

  it('fires when observations stop and resolves when one arrives, with only time advancing in between', () => {
    const observations = [...every(0, 20, 5, ok), ...every(60, 80, 5, ok)];
    const lines = simulate({ rules: [stale], entities: [new FakeEntity(1, observations, DAY)], from: 0, to: 80 });
    expect(lines).toEqual(['35 firing stale t1', '60 resolved stale t1']);
  });

  it('is held back while ingest is unavailable and for the grace period after it returns', () => {
    // Ingest down during [25, 45), grace 10 minutes: nothing new fires before 55.
    const ctx = (m: number) => ({
      ingestUnavailableSince: m >= 25 && m < 45 ? 25 * M : null,
      ingestBackAt: m >= 45 ? 45 * M : null,
      graceMs: 10 * M,
    });
    const lines = simulate({
      rules: [stale],
      entities: [
        // Silent from 20: would fire at 35, held back until the grace period ends.
        new FakeEntity(1, every(0, 20, 5, ok), DAY),
        // Silent from 20 too, but its poller catches up during the grace period: never fires.
        new FakeEntity(2, [...every(0, 20, 5, ok), ...every(50, 80, 5, ok)], DAY),
        // Already firing before the outage (silent since 0): stays firing through it, resolves on data.
        new FakeEntity(3, [[0, 'Passed', 100, 99], ...every(50, 80, 5, ok)], DAY),
      ],
      from: 0,
      to: 80,
      ctx,
    });
    expect(lines).toEqual(['15 firing stale t3', '50 resolved stale t3', '55 firing stale t1']);
  });
});
