import { describe, expect, it } from 'vitest';
import { TopK } from '../../../src/readmodel/top-k.js';

type Item = { score: number; id: number };
// Many equal scores, so only the id tie-break makes the order unique.
const byScoreThenId = (a: Item, b: Item) => a.score - b.score || a.id - b.id;

/** A deterministic pseudo-random sequence (a linear congruential generator) so failures replay. */
function items(n: number, seed: number): Item[] {
  let x = seed;
  return Array.from({ length: n }, (_, id) => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return { score: x % 7, id };
  });
}

describe('TopK', () => {
  it('keeps the k smallest in order, the same as sorting everything and taking k', () => {
    for (const [n, k, seed] of [
      [1_000, 10, 1],
      [1_000, 1, 2],
      [50, 50, 3],
      [50, 80, 4],
      [333, 100, 5],
    ] as const) {
      const all = items(n, seed);
      const top = new TopK<Item>(k, byScoreThenId);
      for (const item of all) top.push(item);
      expect(top.sorted()).toEqual([...all].sort(byScoreThenId).slice(0, k));
    }
  });

  it('does not depend on the order items arrive in', () => {
    const all = items(500, 9);
    const forward = new TopK<Item>(25, byScoreThenId);
    const backward = new TopK<Item>(25, byScoreThenId);
    for (const item of all) forward.push(item);
    for (const item of [...all].reverse()) backward.push(item);
    expect(backward.sorted()).toEqual(forward.sorted());
  });

  it('keeps nothing for k = 0', () => {
    const top = new TopK<Item>(0, byScoreThenId);
    for (const item of items(10, 3)) top.push(item);
    expect(top.sorted()).toEqual([]);
  });
});
