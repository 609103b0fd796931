import { describe, expect, it } from 'vitest';
import {
  calendarMonth,
  isValidZone,
  localDays,
  PeriodError,
  parsePeriod,
  periodContaining,
  periodState,
  rollingWindow,
} from '../../../src/domain/budget/periods.js';
import { D, H } from './build.js';

const at = (iso: string) => Date.parse(iso);
const span = (p: { from: number; to: number }) => [new Date(p.from).toISOString(), new Date(p.to).toISOString()];
const hours = (p: { from: number; to: number }) => (p.to - p.from) / H;

describe('parsePeriod: months from local midnight to local midnight', () => {
  it('America/New_York March 2026 (DST starts 8 March): 31 days − 1 h', () => {
    // From 00:00 EST (−05:00) = 05:00Z to 1 April 00:00 EDT (−04:00) = 04:00Z: 31 × 24 − 1 = 743 h.
    const p = parsePeriod('2026-03', 'America/New_York');
    expect(p).toMatchObject({ kind: 'month', label: '2026-03', timeZone: 'America/New_York' });
    expect(span(p)).toEqual(['2026-03-01T05:00:00.000Z', '2026-04-01T04:00:00.000Z']);
    expect(hours(p)).toBe(743);
  });

  it('America/New_York November 2026 (DST ends 1 November at 02:00): 30 days + 1 h', () => {
    // 1 Nov 00:00 is still EDT (−04:00) = 04:00Z; 1 Dec 00:00 EST = 05:00Z: 30 × 24 + 1 = 721 h.
    const p = parsePeriod('2026-11', 'America/New_York');
    expect(span(p)).toEqual(['2026-11-01T04:00:00.000Z', '2026-12-01T05:00:00.000Z']);
    expect(hours(p)).toBe(721);
  });

  it('Europe/Berlin March and October 2026 (DST 29 March, 25 October)', () => {
    // March: 00:00 CET (+01:00) = 28 Feb 23:00Z to 1 Apr 00:00 CEST (+02:00) = 31 Mar 22:00Z: 743 h.
    const march = parsePeriod('2026-03', 'Europe/Berlin');
    expect(span(march)).toEqual(['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z']);
    expect(hours(march)).toBe(743);
    // October: 30 Sep 22:00Z to 31 Oct 23:00Z: 31 × 24 + 1 = 745 h.
    const october = parsePeriod('2026-10', 'Europe/Berlin');
    expect(span(october)).toEqual(['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z']);
    expect(hours(october)).toBe(745);
  });

  it('February of the leap year 2028: 29 days', () => {
    // Berlin (CET all month): 31 Jan 23:00Z to 29 Feb 23:00Z; New York (EST): 05:00Z to 05:00Z; 29 × 24 = 696 h.
    const berlin = parsePeriod('2028-02', 'Europe/Berlin');
    expect(span(berlin)).toEqual(['2028-01-31T23:00:00.000Z', '2028-02-29T23:00:00.000Z']);
    const ny = parsePeriod('2028-02', 'America/New_York');
    expect(span(ny)).toEqual(['2028-02-01T05:00:00.000Z', '2028-03-01T05:00:00.000Z']);
    expect([hours(berlin), hours(ny)]).toEqual([696, 696]);
  });
});

describe('parsePeriod: quarters', () => {
  it('Q4 in Berlin and Q1 in New York', () => {
    // Q4 2026 Berlin: 1 Oct 00:00 CEST = 30 Sep 22:00Z to 1 Jan 00:00 CET = 31 Dec 23:00Z: 92 d + 1 h.
    const q4 = parsePeriod('2026-Q4', 'Europe/Berlin');
    expect(q4).toMatchObject({ kind: 'quarter', label: '2026-Q4' });
    expect(span(q4)).toEqual(['2026-09-30T22:00:00.000Z', '2026-12-31T23:00:00.000Z']);
    expect(hours(q4)).toBe(92 * 24 + 1);
    // Q1 2026 New York: 1 Jan 05:00Z to 1 Apr 04:00Z: 31 + 28 + 31 = 90 days − 1 h = 2159 h.
    const q1 = parsePeriod('2026-q1', 'America/New_York');
    expect(q1.label).toBe('2026-Q1');
    expect(span(q1)).toEqual(['2026-01-01T05:00:00.000Z', '2026-04-01T04:00:00.000Z']);
    expect(hours(q1)).toBe(2159);
  });
});

describe('parsePeriod: refusals name the problem', () => {
  const problem = (text: string, zone = 'UTC') => {
    try {
      parsePeriod(text, zone);
      return null;
    } catch (e) {
      expect(e).toBeInstanceOf(PeriodError);
      return [(e as PeriodError).problem, (e as PeriodError).message];
    }
  };

  it('refuses a bad format, month 13 or 00, quarter 5, an early year and an unknown zone', () => {
    expect(problem('2026/11')).toEqual(['format', expect.stringContaining('"2026/11"')]);
    expect(problem('2026-1')).toEqual(['format', expect.stringContaining('2026-11')]);
    expect(problem('2026-13')).toEqual(['month', 'period month must be 01–12 (got 13)']);
    expect(problem('2026-00')?.[0]).toBe('month');
    expect(problem('2026-Q5')).toEqual(['quarter', 'period quarter must be Q1–Q4 (got Q5)']);
    expect(problem('1969-12')?.[0]).toBe('year');
    expect(problem('2026-11', 'Mars/Olympus')).toEqual(['zone', expect.stringContaining('"Mars/Olympus"')]);
  });
});

describe('periodContaining, calendarMonth, periodState, rollingWindow', () => {
  it('finds the local month and quarter of an instant', () => {
    // 2026-11-01T03:30Z is 31 Oct 23:30 in New York, 1 Nov 04:30 in Berlin.
    expect(periodContaining(at('2026-11-01T03:30:00Z'), 'month', 'America/New_York').label).toBe('2026-10');
    expect(calendarMonth(at('2026-11-01T03:30:00Z'), 'Europe/Berlin').label).toBe('2026-11');
    // 31 Dec 23:30Z is 1 Jan 00:30 in Berlin.
    expect(periodContaining(at('2026-12-31T23:30:00Z'), 'quarter', 'Europe/Berlin').label).toBe('2027-Q1');
    expect(periodContaining(at('2026-12-31T23:30:00Z'), 'quarter', 'UTC').label).toBe('2026-Q4');
  });

  it('is future before the start, provisional until the grace time after the end, then closable', () => {
    const p = parsePeriod('2026-12', 'UTC');
    const grace = 24 * H;
    expect(periodState(p, at('2026-11-30T23:59:59Z'), grace)).toBe('future');
    expect(periodState(p, p.from, grace)).toBe('provisional');
    expect(periodState(p, p.to + grace - 1, grace)).toBe('provisional');
    expect(periodState(p, p.to + grace, grace)).toBe('closable');
  });

  it('rolls back whole days of 24 h from now', () => {
    expect(rollingWindow(at('2026-11-30T12:00:00Z'), 30)).toEqual([
      at('2026-10-31T12:00:00Z'),
      at('2026-11-30T12:00:00Z'),
    ]);
    expect(rollingWindow(0, 1)).toEqual([-D, 0]);
  });

  it('knows IANA zones', () => {
    expect(['UTC', 'Europe/Berlin', 'America/New_York'].map(isValidZone)).toEqual([true, true, true]);
    expect(['', 'Mars/Olympus', 'CEST+1'].map(isValidZone)).toEqual([false, false, false]);
  });
});

describe('localDays', () => {
  it('has a 25-hour day when Berlin falls back and a 23-hour day when New York springs forward', () => {
    const fall = localDays([at('2026-10-24T22:00:00Z'), at('2026-10-26T23:00:00Z')], 'Europe/Berlin');
    expect(fall.map((d) => [d.date, (d.to - d.from) / H])).toEqual([
      ['2026-10-25', 25],
      ['2026-10-26', 24],
    ]);
    const spring = localDays([at('2026-03-08T05:00:00Z'), at('2026-03-09T04:00:00Z')], 'America/New_York');
    expect(spring.map((d) => [d.date, (d.to - d.from) / H])).toEqual([['2026-03-08', 23]]);
  });

  it('cuts the first and last day to the range', () => {
    // 10:00Z on 1 Nov to 06:00Z on 2 Nov in UTC: 14 h of the 1st, 6 h of the 2nd.
    const days = localDays([at('2026-11-01T10:00:00Z'), at('2026-11-02T06:00:00Z')], 'UTC');
    expect(days).toEqual([
      { date: '2026-11-01', from: at('2026-11-01T10:00:00Z'), to: at('2026-11-02T00:00:00Z') },
      { date: '2026-11-02', from: at('2026-11-02T00:00:00Z'), to: at('2026-11-02T06:00:00Z') },
    ]);
  });
});
