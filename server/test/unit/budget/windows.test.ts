import type { WindowScope } from '@sla/shared';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { validateRrule } from '../../../src/domain/budget/rrule-text.js';
import type { Interval } from '../../../src/domain/budget/types.js';
import { exclusionsFor, expandWindow, type ScopedWindow, windowApplies } from '../../../src/domain/budget/windows.js';
import { H } from './build.js';

const at = (iso: string) => Date.parse(iso);
const iso = (xs: readonly Interval[]) => xs.map(([a, b]) => [new Date(a).toISOString(), new Date(b).toISOString()]);
const localStarts = (xs: readonly Interval[], zone: string) =>
  xs.map(([a]) => DateTime.fromMillis(a, { zone }).toFormat('ccc HH:mm'));
/** A recurring window starting at `startIso` for `hours`, repeating by `rrule` in `zone`. */
const recurring = (startIso: string, hours: number, rrule: string, timeZone: string, until: number | null = null) => ({
  start: at(startIso),
  end: at(startIso) + hours * H,
  rrule,
  timeZone,
  until,
});

describe('expandWindow: recurring windows keep their local start time across DST', () => {
  it('Europe/Berlin, weekly Saturday 02:00–04:00, across 29 March (CET → CEST)', () => {
    // 02:00 CET = 01:00Z on 21 and 28 March; 02:00 CEST = 00:00Z from 4 April on.
    const w = recurring('2026-03-21T01:00:00Z', 2, 'FREQ=WEEKLY', 'Europe/Berlin');
    const xs = expandWindow(w, [at('2026-03-14T00:00:00Z'), at('2026-04-12T00:00:00Z')]);
    expect(iso(xs)).toEqual([
      ['2026-03-21T01:00:00.000Z', '2026-03-21T03:00:00.000Z'],
      ['2026-03-28T01:00:00.000Z', '2026-03-28T03:00:00.000Z'],
      ['2026-04-04T00:00:00.000Z', '2026-04-04T02:00:00.000Z'],
      ['2026-04-11T00:00:00.000Z', '2026-04-11T02:00:00.000Z'],
    ]);
    expect(new Set(localStarts(xs, 'Europe/Berlin'))).toEqual(new Set(['Sat 02:00']));
    // The same window in October (CEST → CET on 25 October): 00:00Z, 00:00Z, then 01:00Z.
    const fall = expandWindow(w, [at('2026-10-17T00:00:00Z'), at('2026-11-01T00:00:00Z')]);
    expect(iso(fall).map(([s]) => s)).toEqual([
      '2026-10-17T00:00:00.000Z',
      '2026-10-24T00:00:00.000Z',
      '2026-10-31T01:00:00.000Z',
    ]);
  });

  it('America/New_York, weekly Sunday 03:00–05:00, across 8 March and 1 November', () => {
    // 03:00 EDT = 07:00Z; 03:00 EST = 08:00Z.
    const w = recurring('2026-03-01T08:00:00Z', 2, 'FREQ=WEEKLY;BYDAY=SU', 'America/New_York');
    const spring = expandWindow(w, [at('2026-03-01T00:00:00Z'), at('2026-03-16T00:00:00Z')]);
    expect(iso(spring).map(([s]) => s)).toEqual([
      '2026-03-01T08:00:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-03-15T07:00:00.000Z',
    ]);
    const fall = expandWindow(w, [at('2026-10-25T00:00:00Z'), at('2026-11-09T00:00:00Z')]);
    expect(iso(fall)).toEqual([
      ['2026-10-25T07:00:00.000Z', '2026-10-25T09:00:00.000Z'],
      ['2026-11-01T08:00:00.000Z', '2026-11-01T10:00:00.000Z'],
      ['2026-11-08T08:00:00.000Z', '2026-11-08T10:00:00.000Z'],
    ]);
    expect(new Set(localStarts([...spring, ...fall], 'America/New_York'))).toEqual(new Set(['Sun 03:00']));
  });

  it('moves a start inside the spring-forward gap forward and takes the later of a repeated hour', () => {
    // Berlin 29 March 02:30 does not exist → 03:30 CEST = 01:30Z (the same instant as 02:30 CET would be).
    const gap = recurring('2026-03-22T01:30:00Z', 0.5, 'FREQ=WEEKLY', 'Europe/Berlin');
    expect(iso(expandWindow(gap, [at('2026-03-22T00:00:00Z'), at('2026-04-06T00:00:00Z')])).map(([s]) => s)).toEqual([
      '2026-03-22T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-04-05T00:30:00.000Z',
    ]);
    // 25 October 02:30 happens twice (00:30Z CEST, 01:30Z CET): the later one.
    const twice = recurring('2026-10-24T00:30:00Z', 0.5, 'FREQ=DAILY', 'Europe/Berlin');
    expect(iso(expandWindow(twice, [at('2026-10-24T00:00:00Z'), at('2026-10-27T00:00:00Z')])).map(([s]) => s)).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  describe('whatever the process time zone', () => {
    const saved = process.env.TZ;
    afterEach(() => {
      process.env.TZ = saved;
    });
    it('expands the same instants under TZ=Pacific/Chatham', () => {
      process.env.TZ = 'Pacific/Chatham';
      const w = recurring('2026-03-01T08:00:00Z', 2, 'FREQ=WEEKLY;BYDAY=SU', 'America/New_York');
      // A range not asked before (the expansion memo would otherwise answer).
      const xs = expandWindow(w, [at('2026-03-02T00:00:00Z'), at('2026-03-16T00:00:00Z')]);
      expect(iso(xs).map(([s]) => s)).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-15T07:00:00.000Z']);
    });
  });
});

describe('expandWindow: bounds', () => {
  const weekly = (until: number | null) => recurring('2026-03-21T01:00:00Z', 2, 'FREQ=WEEKLY', 'Europe/Berlin', until);
  const march = (w: ReturnType<typeof weekly>) =>
    expandWindow(w, [at('2026-03-01T00:00:00Z'), at('2026-04-30T00:00:00Z')]);

  it('stops after until (an occurrence starting at until is kept)', () => {
    expect(march(weekly(at('2026-03-28T01:00:00Z'))).length).toBe(2);
  });

  it("honours the rule's own UNTIL (an instant) and COUNT", () => {
    // Daily from 21 March 01:00Z, UNTIL 23 March 01:00Z: 21, 22, 23.
    const until = recurring('2026-03-21T01:00:00Z', 1, 'FREQ=DAILY;UNTIL=20260323T010000Z', 'Europe/Berlin');
    expect(march(until).length).toBe(3);
    expect(march(recurring('2026-03-21T01:00:00Z', 1, 'RRULE:FREQ=DAILY;COUNT=2', 'Europe/Berlin')).length).toBe(2);
  });

  it('cuts occurrences and one-off windows to the range', () => {
    // Occurrence 01:00–03:00Z, range from 02:00Z: 02:00–03:00 kept.
    const cut = expandWindow(weekly(null), [at('2026-03-21T02:00:00Z'), at('2026-03-22T00:00:00Z')]);
    expect(iso(cut)).toEqual([['2026-03-21T02:00:00.000Z', '2026-03-21T03:00:00.000Z']]);
    const once = {
      start: at('2026-11-01T10:00:00Z'),
      end: at('2026-11-01T12:00:00Z'),
      rrule: null,
      timeZone: 'UTC',
      until: null,
    };
    expect(iso(expandWindow(once, [at('2026-11-01T11:00:00Z'), at('2026-11-01T13:00:00Z')]))).toEqual([
      ['2026-11-01T11:00:00.000Z', '2026-11-01T12:00:00.000Z'],
    ]);
    expect(expandWindow(once, [at('2026-11-01T12:00:00Z'), at('2026-11-01T13:00:00Z')])).toEqual([]);
  });
});

describe('validateRrule', () => {
  it('accepts RFC 5545 rules without DTSTART, with or without the RRULE: prefix', () => {
    expect(validateRrule('FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=2')).toBeNull();
    expect(validateRrule('RRULE:FREQ=MONTHLY;BYDAY=-1SU;UNTIL=20271231T000000Z')).toBeNull();
    expect(validateRrule('freq=daily;interval=2')).toBeNull();
  });

  it('names the problem', () => {
    expect(validateRrule('every sunday')).toBe('rrule part "EVERY SUNDAY" is not NAME=VALUE');
    expect(validateRrule('BYDAY=SU')).toBe('rrule must have FREQ (e.g. FREQ=WEEKLY;BYDAY=SU)');
    expect(validateRrule('FREQ=FORTNIGHTLY')).toMatch(/^rrule FREQ must be one of YEARLY, .* \(got FORTNIGHTLY\)$/);
    expect(validateRrule('FREQ=SECONDLY')).toMatch(/FREQ must be one of/);
    expect(validateRrule('FREQ=MINUTELY;INTERVAL=30')).toMatch(
      /FREQ must be one of YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY/,
    );
    expect(validateRrule('DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY')).toMatch(/single RRULE line/);
    expect(validateRrule('FREQ=DAILY;DTSTART=20260101T000000Z')).toMatch(/must not contain DTSTART/);
    expect(validateRrule('FREQ=DAILY;TZID=Europe/Berlin')).toMatch(/must not contain TZID/);
    expect(validateRrule('FREQ=WEEKLY;BYDAY=XX')).toBe('rrule BYDAY must list days like MO,TU or -1SU (got XX)');
    expect(validateRrule('FREQ=DAILY;COUNT=0')).toBe('rrule COUNT must be a positive integer (got 0)');
    expect(validateRrule('FREQ=DAILY;COUNT=2;UNTIL=20270101')).toBe('rrule must not have both COUNT and UNTIL');
    expect(validateRrule('FREQ=DAILY;FREQ=WEEKLY')).toBe('rrule part FREQ is given twice');
    expect(validateRrule('FREQ=DAILY;EXDATE=20270101')).toBe('rrule part EXDATE is not supported');
    expect(validateRrule('  ')).toMatch(/must not be empty/);
  });

  it('refuses values outside their RFC 5545 range and rules that never occur, without hanging', () => {
    const start = Date.parse('2026-12-05T02:00:00Z');
    // rrule itself searches forever for an hour 25 (an HOURLY rule with BYHOUR=25 hung the pod).
    expect(validateRrule('FREQ=HOURLY;INTERVAL=1;BYHOUR=25', start)).toBe(
      'rrule BYHOUR values must be in 0..23 (got 25)',
    );
    expect(validateRrule('FREQ=DAILY;BYHOUR=24')).toBe('rrule BYHOUR values must be in 0..23 (got 24)');
    expect(validateRrule('FREQ=DAILY;BYMINUTE=-5')).toBe('rrule BYMINUTE values must be in 0..59 (got -5)');
    expect(validateRrule('FREQ=MONTHLY;BYMONTHDAY=0')).toBe(
      'rrule BYMONTHDAY values must be in 1..31 or -31..-1 (got 0)',
    );
    expect(validateRrule('FREQ=YEARLY;BYMONTH=13')).toBe('rrule BYMONTH values must be in 1..12 (got 13)');
    expect(validateRrule('FREQ=MONTHLY;BYDAY=60MO')).toBe('rrule BYDAY ordinals must be 1..53 or -53..-1 (got 60MO)');
    expect(validateRrule('FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30', start)).toMatch(/BYMONTH=2 has no day 30/);
    expect(validateRrule('FREQ=HOURLY;BYYEARDAY=366')).toMatch(/FREQ=HOURLY cannot be combined with BYYEARDAY/);
    expect(validateRrule('FREQ=DAILY;UNTIL=20200101T000000Z', start)).toMatch(/never occurs from the window's start/);
    // Valid edges stay valid: Feb 29, the last day of the month, the last Sunday.
    expect(validateRrule('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', start)).toBeNull();
    expect(validateRrule('FREQ=MONTHLY;BYMONTHDAY=-1', start)).toBeNull();
    expect(validateRrule('FREQ=MONTHLY;BYDAY=-1SU;BYHOUR=0,23', start)).toBeNull();
  });
});

describe('windowApplies and exclusionsFor', () => {
  const entity = { id: 7, tenantName: 'T1', teamName: 'PGM', entityType: 'table' };
  const scope = (over: Partial<WindowScope>): WindowScope => ({
    tenantName: 'T1',
    teamName: null,
    entityType: null,
    entityId: null,
    ...over,
  });

  it('matches tenant, team, entity type and entity, each unset or equal', () => {
    expect(windowApplies(scope({}), entity)).toBe(true);
    expect(windowApplies(scope({ tenantName: 'T2' }), entity)).toBe(false);
    expect(windowApplies(scope({ teamName: 'PGM', entityType: 'table' }), entity)).toBe(true);
    expect(windowApplies(scope({ teamName: 'Other' }), entity)).toBe(false);
    expect(windowApplies(scope({ entityType: 'job' }), entity)).toBe(false);
    expect(windowApplies(scope({ entityId: 7 }), entity)).toBe(true);
    expect(windowApplies(scope({ entityId: 8 }), entity)).toBe(false);
  });

  it("gives the occurrences of the windows that apply, with each window's category", () => {
    const base = { start: at('2026-11-01T10:00:00Z'), end: at('2026-11-01T11:00:00Z'), timeZone: 'UTC', until: null };
    const windows: ScopedWindow[] = [
      { ...base, scope: scope({ teamName: 'PGM' }), category: 'deployment', rrule: 'FREQ=DAILY;COUNT=2' },
      { ...base, scope: scope({ teamName: 'Other' }), category: 'maintenance', rrule: null },
      { ...base, scope: scope({ entityId: 7 }), category: 'other', rrule: null },
    ];
    const xs = exclusionsFor(entity, windows, [at('2026-11-01T00:00:00Z'), at('2026-11-03T00:00:00Z')]);
    expect(xs.map((x) => [new Date(x.start).toISOString(), (x.end - x.start) / H, x.category])).toEqual([
      ['2026-11-01T10:00:00.000Z', 1, 'deployment'],
      ['2026-11-02T10:00:00.000Z', 1, 'deployment'],
      ['2026-11-01T10:00:00.000Z', 1, 'other'],
    ]);
  });
});
