import { describe, expect, it } from 'vitest';
import { demoEntities } from '../../../src/demo/dataset.js';
import { DEMO_INCIDENTS, HISTORY_DAYS, historyOffsets, inIncident } from '../../../src/demo/history.js';
import { demoWindows } from '../../../src/demo/windows.js';

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

describe('demo windows', () => {
  it('has a weekly Sunday window since before the history, a one-off over the Billing incident and one running now', () => {
    const now = Date.parse('2026-12-01T10:20:00Z');
    const [weekly, billing, current] = demoWindows(now);
    expect(weekly?.rrule).toBe('FREQ=WEEKLY;BYDAY=SU');
    expect(weekly?.start.getUTCDay()).toBe(0);
    expect(weekly?.start.getUTCHours()).toBe(2);
    expect(now - (weekly?.start.getTime() ?? now)).toBeGreaterThan(HISTORY_DAYS * 24 * HOUR);
    const incident = DEMO_INCIDENTS.find((i) => i.teamName === 'Billing');
    const incidentStart = now - (incident?.daysAgo ?? 0) * 24 * HOUR;
    expect(billing?.start.getTime()).toBeLessThan(incidentStart);
    expect(billing?.end.getTime()).toBeGreaterThan(incidentStart);
    expect(current?.start.getTime()).toBeLessThanOrEqual(now);
    expect(current?.end.getTime()).toBeGreaterThan(now);
  });
});
