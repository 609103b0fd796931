import { describe, expect, it } from 'vitest';
import { ViewCheckpoints } from '../../../src/cache/view-check.js';
import { addTerm, checksumTerm, removeTerm } from '../../../src/domain/checksum.js';
import { EntityView } from '../../../src/readmodel/view.js';
import { state } from '../fixtures.js';

const sumOf = (states: [number, number][]) => states.reduce((s, [id, v]) => addTerm(s, checksumTerm(id, v)), 0);

describe('the state checksum', () => {
  it('does not depend on order, and replacing a state equals summing the new set', () => {
    const states: [number, number][] = Array.from({ length: 1_000 }, (_, i) => [i + 1, 10 * (i + 1)]);
    const shuffled = [...states].sort(() => Math.random() - 0.5);
    expect(sumOf(shuffled)).toBe(sumOf(states));
    const replaced = removeTerm(addTerm(sumOf(states), checksumTerm(5, 999)), checksumTerm(5, 50));
    expect(replaced).toBe(sumOf(states.map(([id, v]) => (id === 5 ? [id, 999] : [id, v]))));
  });

  it('tells apart a missing state, an older version and swapped versions', () => {
    const base = sumOf([
      [1, 10],
      [2, 20],
    ]);
    expect(sumOf([[1, 10]])).not.toBe(base);
    expect(
      sumOf([
        [1, 10],
        [2, 19],
      ]),
    ).not.toBe(base);
    expect(
      sumOf([
        [1, 20],
        [2, 10],
      ]),
    ).not.toBe(base);
  });

  it('is what the view keeps current through applies and resets', () => {
    const view = new EntityView();
    view.apply(state(1, { version: 3 }));
    view.apply(state(2, { version: 4 }));
    view.apply(state(1, { version: 9 }));
    view.apply(state(2, { version: 1 })); // older: ignored
    expect(view.checksum).toBe(
      sumOf([
        [1, 9],
        [2, 4],
      ]),
    );
    view.reset();
    expect(view.checksum).toBe(0);
  });
});

describe('ViewCheckpoints', () => {
  it('judges a check at a recorded change id, and skips one it holds no checkpoint for', () => {
    const cp = new ViewCheckpoints();
    cp.record(41, 10, 1234);
    expect(cp.judge({ changeId: 41, entities: 10, checksum: 1234 })).toBe('match');
    expect(cp.judge({ changeId: 41, entities: 10, checksum: 1235 })).toBe('mismatch');
    expect(cp.judge({ changeId: 41, entities: 9, checksum: 1234 })).toBe('mismatch');
    expect(cp.judge({ changeId: 42, entities: 10, checksum: 1234 })).toBe('skipped');
    cp.record(41 + 65_536, 11, 1);
    expect(cp.judge({ changeId: 41, entities: 10, checksum: 1234 })).toBe('skipped');
    cp.clear();
    expect(cp.judge({ changeId: 41 + 65_536, entities: 11, checksum: 1 })).toBe('skipped');
  });
});
