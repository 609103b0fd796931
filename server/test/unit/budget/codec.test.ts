import { describe, expect, it } from 'vitest';
import { decodeChunk, encodeChunk } from '../../../src/budget/codec.js';
import type { Timeline } from '../../../src/domain/budget/types.js';

const T0 = Date.UTC(2026, 10, 1);

const timeline = (k: number): Timeline => ({
  firstObservedAt: T0 - 40 * 86_400_000 + k,
  horizon: T0 + k,
  segments: [
    // Starts before the horizon (kept whole), a gap, then adjacent segments.
    { start: T0 - 5_000, end: T0 + 60_000, cls: 'good', target: 99.9, slaMs: 99.95 * 65_000 },
    { start: T0 + 120_000, end: T0 + 3_720_000, cls: 'stale', target: 99.9, slaMs: 0 },
    { start: T0 + 3_720_000, end: T0 + 3_780_001, cls: 'bad', target: 95, slaMs: 1 / 3 },
    { start: T0 + 3_780_001, end: T0 + 3_790_000, cls: 'nodata', target: 95, slaMs: 12.5 },
  ],
  open: { observedAt: T0 + 3_790_000 + k, cls: 'bad', target: 97.25, currentSla: 12.345678901234 },
});

describe('budget checkpoint encoding', () => {
  it('round-trips timelines exactly: times, classes, targets, SLA sums, open result or none', () => {
    const entries: [number, Timeline][] = [
      [1, timeline(1)],
      [7, { firstObservedAt: T0, horizon: T0, segments: [], open: null }],
      [2_147_483_000, timeline(3)],
    ];
    const got = new Map<number, Timeline>();
    decodeChunk(encodeChunk(entries), got);
    expect(got).toEqual(new Map(entries));
  });

  it('is compact: under 25 bytes a segment, the entity fields included', () => {
    const many: [number, Timeline][] = Array.from({ length: 1_000 }, (_, i) => [i + 1, timeline(i)]);
    const bytes = encodeChunk(many).length;
    expect(bytes / (many.length * 4)).toBeLessThan(25);
  });

  it('decodes chunks into one map, and refuses a foreign or cut buffer', () => {
    const into = new Map<number, Timeline>();
    decodeChunk(encodeChunk([[1, timeline(1)]]), into);
    decodeChunk(encodeChunk([[2, timeline(2)]]), into);
    expect([...into.keys()]).toEqual([1, 2]);
    const chunk = encodeChunk([[1, timeline(1)]]);
    expect(() => decodeChunk(chunk.subarray(0, chunk.length - 3), new Map())).toThrow(RangeError);
    expect(() => decodeChunk(new TextEncoder().encode('{"json":true}'), new Map())).toThrow(/not a budget checkpoint/);
  });
});
