import { describe, expect, it } from 'vitest';
import { fieldErrors } from '../../src/lib/field-errors';
import { defaultPeriod, isPeriod, periodOptions } from '../../src/lib/periods';
import { excludedCategories, reportCsvHref } from '../../src/lib/report';
import { describeRrule, scopeLabel } from '../../src/lib/windows';

describe('report periods', () => {
  // 1 December 2026, 03:00 UTC: still November in New York.
  const now = Date.parse('2026-12-01T03:00:00Z');
  it('offers the current month and quarter first, marked, and nothing in the future', () => {
    const opts = periodOptions(now, 'UTC', 3, 2);
    expect(opts.map((o) => [o.value, o.current])).toEqual([
      ['2026-12', true],
      ['2026-11', false],
      ['2026-10', false],
      ['2026-Q4', true],
      ['2026-Q3', false],
    ]);
    expect(opts[0]?.label).toBe('December 2026');
  });
  it('counts in the tenant time zone and crosses years', () => {
    expect(defaultPeriod(now, 'America/New_York')).toBe('2026-11');
    const jan = periodOptions(Date.parse('2027-01-15T12:00:00Z'), 'UTC', 2, 2).map((o) => o.value);
    expect(jan).toEqual(['2027-01', '2026-12', '2027-Q1', '2026-Q4']);
    expect(defaultPeriod(now, 'Not/AZone')).toBe('2026-12');
  });
  it('accepts only well-formed periods from the URL', () => {
    expect(['2026-11', '2026-Q4', '2026-13', '2026-Q5', 'x', null].map(isPeriod)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('reports', () => {
  it('links the CSV with the same filters as the table', () => {
    expect(reportCsvHref({ tenantName: 'Data Engineering', period: '2026-Q4', teamName: 'PGM' })).toBe(
      '/api/reports/csv?tenantName=Data+Engineering&period=2026-Q4&teamName=PGM',
    );
    expect(reportCsvHref({ tenantName: 'Finance', period: '2026-11', entityId: 7 })).toBe(
      '/api/reports/csv?tenantName=Finance&period=2026-11&entityId=7',
    );
  });
  it('has a column per category that excluded anything, known ones in their order', () => {
    const rows: { excludedMinutes: Record<string, number> }[] = [
      { excludedMinutes: { other: 3, maintenance: 0 } },
      { excludedMinutes: { deployment: 5, zz: 1 } },
    ];
    expect(excludedCategories(rows)).toEqual(['deployment', 'other', 'zz']);
  });
});

describe('maintenance windows', () => {
  it('puts each server message next to its field', () => {
    const fields = ['start', 'end', 'rrule', 'teamName'] as const;
    const err = {
      message: 'x',
      data: {
        issues: [
          { path: 'end', message: 'end must be after start' },
          { path: 'scope.teamName', message: 'unknown team' },
          { path: 'reason', message: 'reason is required' },
        ],
      },
    };
    expect(fieldErrors(err, fields)).toEqual({
      byField: { end: 'end must be after start', teamName: 'unknown team' },
      general: 'reason is required',
    });
    expect(fieldErrors({ message: 'rrule: FREQ is missing' }, fields)).toEqual({
      byField: { rrule: 'rrule: FREQ is missing' },
      general: null,
    });
    expect(fieldErrors({ message: 'Forbidden for this tenant' }, fields).general).toBe('Forbidden for this tenant');
    expect(fieldErrors(null, fields)).toEqual({ byField: {}, general: null });
  });
  it('describes scope and recurrence in words', () => {
    expect(scopeLabel({ tenantName: 'Finance', teamName: 'Billing', entityType: null, entityId: null })).toBe(
      'Finance / Billing',
    );
    expect(describeRrule('FREQ=WEEKLY;BYDAY=SU')).toBe('Weekly on Sunday');
    expect(describeRrule(null)).toBe('Once');
    expect(describeRrule('FREQ=YEARLY')).toBe('FREQ=YEARLY');
  });
});
