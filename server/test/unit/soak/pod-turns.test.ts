import { describe, expect, it } from 'vitest';
import { prng } from '../../../src/demo/dataset.js';
import { FAULT_KINDS, PodTurns, planFaults } from '../../soak/faults.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('soak fault scheduler', () => {
  it('runs pod faults one at a time even when the previous one outlasts its slot', async () => {
    const turns = new PodTurns();
    let down = 0;
    let mostDown = 0;
    const podFault = (ms: number) => async () => {
      down++;
      mostDown = Math.max(mostDown, down);
      await sleep(ms);
      down--;
    };
    // The second and third are due while the first is still "restarting".
    const runs: Promise<unknown>[] = [turns.run(podFault(60)), sleep(10).then(() => turns.run(podFault(20)))];
    runs.push(
      sleep(20)
        .then(() => turns.run(() => Promise.reject(new Error('restart failed'))))
        .catch(() => undefined),
    );
    runs.push(sleep(30).then(() => turns.run(podFault(10))));
    const [first, second] = (await Promise.all(runs)) as { waitedMs: number }[];
    expect(mostDown).toBe(1);
    expect(first?.waitedMs).toBeLessThan(20);
    // Due at 10 ms, it waits for the first (done at 60 ms): about 50 ms; timers may fire a few ms early.
    expect(second?.waitedMs).toBeGreaterThanOrEqual(35);
  });

  it('plans pod faults at least 15 s apart and replays the same schedule for a seed', () => {
    const plan = planFaults(prng(202), 600_000, 3);
    expect(planFaults(prng(202), 600_000, 3)).toEqual(plan);
    const pods = plan.filter((f) => f.kind.startsWith('pod-'));
    pods.slice(1).forEach((f, i) => {
      const prev = pods[i] as (typeof pods)[number];
      expect(f.atMs - prev.atMs).toBeGreaterThanOrEqual(15_000 + prev.holdMs);
    });
    expect(new Set(plan.map((f) => f.kind)).size).toBe(FAULT_KINDS.length);
  });
});
