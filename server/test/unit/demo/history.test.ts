import { describe, expect, it } from 'vitest';
import { demoEntities } from '../../../src/demo/dataset.js';
import { DEMO_INCIDENTS, HISTORY_DAYS, historyOffsets, inIncident } from '../../../src/demo/history.js';

const HOUR = 3_600_000;

describe('demo history', () => {
  it('reaches back beyond a 30-day budget window and a whole month, every 6 h for the last 14 days', () => {
    const offsets = historyOffsets();
    expect(offsets[0]).toBeGreaterThan(HISTORY_DAYS * 24);
    expect(HISTORY_DAYS).toBeGreaterThanOrEqual(35);
    expect(offsets.at(-1)).toBe(0);
    const gaps = offsets.slice(1).map((h, i) => (offsets[i] ?? 0) - h);
    expect(new Set(gaps)).toEqual(new Set([6, 12]));
    expect(offsets.filter((h) => h <= 14 * 24).length).toBe(57);
  });

  it('puts at least one seeded result of every incident team inside the incident', () => {
    const offsets = historyOffsets();
    for (const i of DEMO_INCIDENTS) {
      const e = demoEntities().find((d) => d.teamName === i.teamName && d.profile !== 'stale');
      expect(e).toBeDefined();
      if (!e) continue;
      expect(offsets.some((h) => inIncident(e, h * HOUR))).toBe(true);
      expect(inIncident({ ...e, teamName: 'elsewhere' }, i.daysAgo * 24 * HOUR)).toBe(false);
    }
  });
});
