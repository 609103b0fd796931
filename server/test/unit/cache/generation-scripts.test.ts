import { describe, expect, it } from 'vitest';
import { SWITCH_DROP_SPAN, switchGenerations } from '../../../src/cache/redis/generation-scripts.js';

describe('the generations a switch declares', () => {
  it('covers every generation from the pointer up to the new one, which switch.lua may drop', () => {
    expect(switchGenerations(7)('4')).toEqual([4, 5, 6, 7]);
    expect(switchGenerations(3)('')).toEqual([1, 2, 3]);
  });

  it('declares just the new one when it is not newer than the pointer (the switch is fenced and drops it)', () => {
    expect(switchGenerations(2)('5')).toEqual([2]);
    expect(switchGenerations(5)('5')).toEqual([5]);
  });

  it('declares just the new one past the drop span (switch.lua then drops only the current one)', () => {
    expect(switchGenerations(10 + SWITCH_DROP_SPAN)('10')).toHaveLength(SWITCH_DROP_SPAN + 1);
    expect(switchGenerations(11 + SWITCH_DROP_SPAN)('10')).toEqual([11 + SWITCH_DROP_SPAN]);
  });
});
