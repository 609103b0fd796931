import { describe, expect, it } from 'vitest';
import { BUSY_PER_SECOND, highlightsAllowed, noteChanges } from '../../src/live/flash-budget';

describe('highlight budget', () => {
  it('allows highlights for a trickle, stops them in a burst and resumes a second later', () => {
    noteChanges(3, 0);
    expect(highlightsAllowed(10)).toBe(true);
    noteChanges(BUSY_PER_SECOND, 100);
    expect(highlightsAllowed(150)).toBe(false);
    expect(highlightsAllowed(1_101)).toBe(true);
  });
});
