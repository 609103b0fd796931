import { describe, expect, it } from 'vitest';
import { durationLabel } from '../../../../src/domain/alerts/format.js';

const MIN = 60_000;

describe('durationLabel', () => {
  it('writes under an hour in minutes, rounded down', () => {
    expect(durationLabel(0)).toBe('0 min');
    expect(durationLabel(-5 * MIN)).toBe('0 min');
    expect(durationLabel(90_000)).toBe('1 min');
    expect(durationLabel(59 * MIN + 59_999)).toBe('59 min');
  });

  it('writes under 48 hours in hours and minutes, never as a large count of minutes', () => {
    expect(durationLabel(60 * MIN)).toBe('1 h');
    expect(durationLabel(90 * MIN)).toBe('1 h 30 min');
    expect(durationLabel(2522 * MIN)).toBe('42 h 2 min');
    expect(durationLabel(42 * 60 * MIN)).toBe('42 h');
    expect(durationLabel((47 * 60 + 59) * MIN)).toBe('47 h 59 min');
  });

  it('writes 48 hours and more in days and hours', () => {
    expect(durationLabel(48 * 60 * MIN)).toBe('2 d');
    expect(durationLabel((3 * 24 + 4) * 60 * MIN + 17 * MIN)).toBe('3 d 4 h');
  });
});
