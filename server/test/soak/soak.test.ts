import { describe, expect, it } from 'vitest';
import { formatReport, runSoak } from './soak.js';

// A fixed seed keeps the short soak's fault schedule the same on every run; `pnpm soak
// --seed S --minutes N` runs any other. It runs as its own vitest project, alone.
const SEED = 20261130;

describe('chaos soak (short, fixed seed)', () => {
  it('keeps every invariant through a seeded schedule of real faults', { timeout: 240_000 }, async () => {
    const report = await runSoak({ seed: SEED, faultMs: 45_000, warmupMs: 5_000, settleMs: 30_000, log: console.log });
    console.log(formatReport(report));
    expect(report.problems, formatReport(report)).toEqual([]);
  });
});
