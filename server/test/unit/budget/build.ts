import type { Status } from '@sla/shared';
import { appendResult } from '../../../src/domain/budget/timeline.js';
import type { Timeline } from '../../../src/domain/budget/types.js';

/** Minutes and hours in ms, so cases read in minutes. */
export const M = 60_000;
export const H = 60 * M;
export const D = 24 * H;

/** One result: minute offset from `base`, status, currentSla, target. */
export type Row = [minute: number, status: Status, currentSla: number, target: number];

/** A timeline from rows appended in the order given (times are `base + minute × M`). */
export function build(rows: readonly Row[], staleAfterMs: number, base = 0): Timeline {
  let t: Timeline | null = null;
  for (const [minute, status, currentSla, slaTarget] of rows) {
    t = appendResult(t, { observedAt: base + minute * M, status, currentSla, slaTarget }, staleAfterMs);
  }
  if (!t) throw new Error('build needs at least one row');
  return t;
}

/** Intervals in minutes from `base`, for readable assertions. */
export const inMinutes = (xs: readonly (readonly [number, number])[], base = 0) =>
  xs.map(([a, b]) => [(a - base) / M, (b - base) / M]);
