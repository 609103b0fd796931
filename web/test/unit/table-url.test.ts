import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TABLE,
  pageCount,
  parseTableState,
  serializeTableState,
  tableHref,
  toggleSort,
  toListInput,
  withFilters,
} from '../../src/lib/table-url';

describe('table URL state', () => {
  it('defaults to worst first, page 1, 50 rows, and serialises to an empty query', () => {
    const s = parseTableState('');
    expect(s).toEqual(DEFAULT_TABLE);
    expect(serializeTableState(s)).toBe('');
  });

  it('round-trips every field through the query string', () => {
    const qs =
      'tenant=Data+Engineering&team=PGM&type=table&status=AtRisk&stale=1&q=user&sort=currentSla&dir=asc&page=3&size=100';
    const s = parseTableState(qs);
    expect(s).toEqual({
      tenant: 'Data Engineering',
      team: 'PGM',
      type: 'table',
      status: 'AtRisk',
      stale: true,
      q: 'user',
      sort: 'currentSla',
      dir: 'asc',
      page: 3,
      size: 100,
    });
    expect(parseTableState(serializeTableState(s))).toEqual(s);
  });

  it('ignores malformed values instead of failing (shared links get edited by hand)', () => {
    const s = parseTableState('status=passed&sort=DROP&dir=up&page=-2&size=7&tenant=%20');
    expect(s).toEqual(DEFAULT_TABLE);
  });

  it('returns to page 1 and drops the team when the tenant changes', () => {
    const s = { ...DEFAULT_TABLE, tenant: 'A', team: 'x', page: 4 };
    expect(withFilters(s, { tenant: 'B' })).toEqual({ ...DEFAULT_TABLE, tenant: 'B' });
    expect(withFilters(s, { status: 'Failed' })).toEqual({
      ...DEFAULT_TABLE,
      tenant: 'A',
      team: 'x',
      status: 'Failed',
    });
    expect(withFilters(s, { tenant: '' })).toEqual(DEFAULT_TABLE);
  });

  it('flips the direction of the sorted column and starts a new column in its useful direction', () => {
    const byGap = toggleSort({ ...DEFAULT_TABLE, page: 5 }, 'slaGap');
    expect(byGap).toMatchObject({ sort: 'slaGap', dir: 'asc', page: 1 });
    expect(toggleSort(DEFAULT_TABLE, 'currentSla')).toMatchObject({ sort: 'currentSla', dir: 'asc' });
    expect(toggleSort(DEFAULT_TABLE, 'updatedAt')).toMatchObject({ sort: 'updatedAt', dir: 'desc' });
  });

  it('maps to the server list input with offset paging', () => {
    const s = parseTableState('tenant=T&status=Failed&stale=1&q=abc&page=3&size=25');
    expect(toListInput(s)).toEqual({
      tenantName: 'T',
      status: 'Failed',
      stale: true,
      q: 'abc',
      sort: 'slaGap',
      dir: 'desc',
      offset: 50,
      limit: 25,
    });
  });

  it('builds drill-down links and page counts', () => {
    expect(tableHref({ tenant: 'Data Engineering', team: 'PGM' })).toBe('/entities?tenant=Data+Engineering&team=PGM');
    expect(tableHref({})).toBe('/entities');
    expect(pageCount(0, 50)).toBe(1);
    expect(pageCount(101, 50)).toBe(3);
  });
});
