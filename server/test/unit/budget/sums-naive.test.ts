import type { NoDataPolicy, Status } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import { breachesIn } from '../../../src/domain/budget/breaches.js';
import { sumsOver } from '../../../src/domain/budget/sums.js';
import { closedSegments, pruneBefore } from '../../../src/domain/budget/timeline.js';
import type { Exclusion } from '../../../src/domain/budget/types.js';
import { build, M, type Row } from './build.js';

/** A fixed-seed generator so a failure can be replayed. */
function random(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

const STATUSES: Status[] = ['Passed', 'Failed', 'AtRisk', 'NoData'];

/**
 * The sweep against a minute-by-minute count: random timelines (results on whole minutes,
 * gaps long enough to go stale), random overlapping exclusions, every policy. Every minute is
 * classified from `closedSegments` and checked against each exclusion on its own.
 */
describe('sumsOver agrees with a minute-by-minute count', () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`case ${seed}`, () => {
      const rnd = random(seed);
      const rows: Row[] = [];
      for (let m = Math.floor(rnd() * 20); m < 400; m += 1 + Math.floor(rnd() * 40)) {
        rows.push([m, STATUSES[Math.floor(rnd() * 4)] as Status, 95 + rnd() * 5, rnd() < 0.5 ? 98 : 99]);
      }
      const stale = (5 + Math.floor(rnd() * 30)) * M;
      const t = build(rows, stale);
      if (rnd() < 0.3) pruneBefore(t, Math.floor(rnd() * 100) * M);
      const ex: Exclusion[] = [];
      for (let i = Math.floor(rnd() * 4); i > 0; i--) {
        const s = Math.floor(rnd() * 450) * M;
        ex.push({ start: s, end: s + Math.floor(rnd() * 80) * M, category: 'other' });
      }
      const from = Math.floor(rnd() * 200) * M;
      const to = from + Math.floor(rnd() * 300) * M;
      const now = Math.floor(rnd() * 500) * M;
      const segs = closedSegments(t, now, stale);
      for (const p of ['exclude', 'bad', 'good'] as NoDataPolicy[]) {
        const naive = { counted: 0, breach: 0, excluded: 0, noData: 0 };
        const breachMinutes: number[] = [];
        for (let m = Math.max(from, t.firstObservedAt); m < Math.min(to, now); m += M) {
          const seg = segs.find((s) => s.start <= m && m < s.end);
          if (!seg) continue; // pruned or not observed
          if (ex.some((x) => x.start <= m && m < x.end)) {
            naive.excluded++;
            continue;
          }
          const noData = seg.cls === 'nodata' || seg.cls === 'stale';
          if (noData) naive.noData++;
          if (noData && p === 'exclude') continue;
          naive.counted++;
          if (seg.cls === 'bad' || (noData && p === 'bad')) {
            naive.breach++;
            breachMinutes.push(m / M);
          }
        }
        const s = sumsOver(t, [from, to], ex, { noDataPolicy: p, staleAfterMs: stale }, now);
        expect([s.countedMs, s.breachMs, s.excludedMs, s.noDataMs].map((x) => x / M)).toEqual([
          naive.counted,
          naive.breach,
          naive.excluded,
          naive.noData,
        ]);
        const breaches = breachesIn(t, [from, to], ex, { noDataPolicy: p, staleAfterMs: stale }, now);
        expect(breaches.flatMap(([a, b]) => Array.from({ length: (b - a) / M }, (_, i) => a / M + i))).toEqual(
          breachMinutes,
        );
        // Maximal: no two breaches touch.
        for (let i = 1; i < breaches.length; i++) expect(breaches[i]?.[0]).toBeGreaterThan(breaches[i - 1]?.[1] ?? 0);
      }
    });
  }
});
