import { readFileSync } from 'node:fs';
import type { Report } from '@sla/shared';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/reports/build.js';
import { COLUMNS, neutralise, reportCsv } from '../../../src/reports/csv.js';
import { sealed } from '../../../src/reports/service.js';
import { DATASET, NOW, PERIOD, STALE_AFTER_MS, TENANT, WINDOWS } from './dataset.js';
import { memorySources } from './sources.js';

const golden = async () =>
  sealed(
    await buildReport(
      memorySources(DATASET, { windows: WINDOWS, staleAfterMs: STALE_AFTER_MS }),
      { tenantName: TENANT, period: PERIOD },
      NOW,
    ),
    1,
  );

describe('report CSV', () => {
  /**
   * golden-report.csv was written by hand from dataset.ts (figures worked out on paper and
   * a calculator, not by this code), for example for `orders`: counted = 30 days − the
   * 60-minute maintenance = 43,140 min; breach = 180 + 120 (the Nov 10 failure around the
   * window) + 60 (Nov 30 23:00 to the period's end) = 360 min; compliance = 100 × (1 −
   * 360 / 43,140) = 99.1655; budget used = 360 / (1 % × 43,140) = 83.4492 %; mean reported
   * SLA = (12,960 × 99.5 + 300 × 97 + 29,820 × 99.2 + 60 × 96) / 43,140 = 99.2704. The total
   * line is the time-weighted rollup of the three entities.
   */
  it('matches the hand-written golden file byte for byte (BOM, header, CRLF, RFC 4180 quoting)', async () => {
    const expected = readFileSync(new URL('./golden-report.csv', import.meta.url), 'utf8');
    expect(reportCsv(await golden())).toBe(expected);
  });

  it('round-trips through csv-parse: names with commas, quotes, newlines and formula characters come back', async () => {
    const names = ['a, b', 'say "hi"', 'two\nlines', 'cr\r\nlf', '=1+2', '+SUM(A1)', '-2+3', '@cmd', '\tTab', 'plain'];
    const base = await golden();
    const report: Report = {
      ...base,
      rows: names.map((entityName, i) => ({
        ...(base.rows[1] as Report['rows'][number]),
        entityId: i + 1,
        teamName: `team ${entityName}`,
        entityName,
      })),
    };
    const records = parse(reportCsv(report), { bom: true, columns: true, record_delimiter: '\r\n' }) as Record<
      string,
      string
    >[];
    const entities = records.filter((r) => r.kind === 'entity');
    expect(entities.map((r) => r.entity_name)).toEqual(names.map(neutralise));
    expect(entities.map((r) => r.team)).toEqual(names.map((n) => neutralise(`team ${n}`)));
    // A reader strips the one leading quote a dangerous cell got, and has the name back.
    expect(entities.map((r) => unquote(r.entity_name ?? ''))).toEqual(names);
    expect(Object.keys(records[0] ?? {})).toEqual([...COLUMNS]);
  });

  it('neutralises text only: a negative number stays a number', async () => {
    const base = await golden();
    const report: Report = {
      ...base,
      summary: { ...base.summary, target: -1.5, compliance: -20 },
      rows: [],
    };
    const [total] = parse(reportCsv(report), { bom: true, columns: true }) as Record<string, string>[];
    expect(total?.target_pct).toBe('-1.5');
    expect(total?.compliance_pct).toBe('-20');
    expect(neutralise('-20')).toBe("'-20");
    expect(neutralise('\rx')).toBe("'\rx");
    expect(neutralise('a=b')).toBe('a=b');
  });
});

const unquote = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);
