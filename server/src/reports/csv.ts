import { type Report, type ReportRow, WINDOW_CATEGORIES } from '@sla/shared';
import { stringify } from 'csv-stringify/sync';
import { budgetUsedPct, minutesOf, roundMinutes } from './precision.js';

/**
 * The CSV form of a report (docs/budgets.md "CSV layout"): one table a spreadsheet can
 * filter by its first column, `kind`:
 * - `entity`: one per entity, with its figures, breach count and total breach minutes;
 * - `breach`: one per breach, right after its entity, with start, end and minutes;
 * - `total`: the last line, the report's summary (time-weighted over the entities).
 * UTF-8 with a byte-order mark (so spreadsheet programs read names as UTF-8), a header
 * line, CRLF line ends and RFC 4180 quoting. Text cells that a spreadsheet would run as a
 * formula are neutralised (`neutralise`); numbers are written as numbers.
 */
export function reportCsv(report: Report): string {
  const lines: Cell[][] = [];
  for (const row of report.rows) {
    lines.push(entityLine(report, row));
    for (const b of row.breaches)
      lines.push(
        line(report, row, 'breach', {
          breach_start: b.start,
          breach_end: b.end,
          breach_minutes: minutesOf(b.durationMs),
        }),
      );
  }
  lines.push(totalLine(report));
  return stringify([[...COLUMNS], ...lines], {
    bom: true,
    record_delimiter: 'windows',
    cast: { string: neutralise, number: (n) => String(n) },
  });
}

type Cell = string | number | null;

const EXCLUDED = WINDOW_CATEGORIES.map((c) => `excluded_${c}_minutes` as const);

/** The columns, in order (the header line). */
export const COLUMNS = [
  'kind',
  'tenant',
  'team',
  'entity_type',
  'entity_name',
  'entity_id',
  'period',
  'state',
  'revision',
  'target_pct',
  'compliance_pct',
  'mean_reported_sla_pct',
  'budget_used_pct',
  'counted_minutes',
  'breach_minutes',
  'breach_count',
  'breach_start',
  'breach_end',
  ...EXCLUDED,
] as const;
type Column = (typeof COLUMNS)[number];

/**
 * A text cell a spreadsheet could read as a formula, made inert (OWASP "CSV Injection"):
 * a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.
 * Only text goes through here: numbers (negative ones too) are numbers.
 */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function line(report: Report, row: ReportRow | null, kind: string, values: Partial<Record<Column, Cell>>): Cell[] {
  const base: Partial<Record<Column, Cell>> = {
    kind,
    tenant: report.tenantName,
    team: row ? row.teamName : report.teamName,
    entity_type: row?.entityType ?? null,
    entity_name: row?.entityName ?? null,
    entity_id: row?.entityId ?? null,
    period: report.period,
    state: report.state,
    revision: report.revision,
    ...values,
  };
  return COLUMNS.map((c) => base[c] ?? null);
}

function entityLine(report: Report, row: ReportRow): Cell[] {
  const excluded = Object.fromEntries(
    WINDOW_CATEGORIES.map((c, i) => [EXCLUDED[i], row.excludedMinutes[c] ?? 0] as const),
  );
  return line(report, row, 'entity', {
    target_pct: row.target,
    compliance_pct: row.compliance,
    mean_reported_sla_pct: row.meanReportedSla,
    budget_used_pct: row.budgetUsedPct,
    counted_minutes: minutesOf(row.countedMs),
    breach_minutes: minutesOf(row.breachMs),
    breach_count: row.breaches.length,
    ...excluded,
  });
}

function totalLine(report: Report): Cell[] {
  const s = report.summary;
  const excluded: Partial<Record<Column, Cell>> = {};
  WINDOW_CATEGORIES.forEach((c, i) => {
    const key = EXCLUDED[i];
    if (key) excluded[key] = sumOf(report.rows.map((r) => r.excludedMinutes[c] ?? 0));
  });
  return line(report, null, 'total', {
    target_pct: s.target,
    compliance_pct: s.compliance,
    mean_reported_sla_pct: s.meanReportedSla,
    budget_used_pct: budgetUsedPct(s.breachMs, s.allowedMs),
    counted_minutes: minutesOf(s.countedMs),
    breach_minutes: minutesOf(s.breachMs),
    breach_count: report.rows.reduce((n, r) => n + r.breaches.length, 0),
    ...excluded,
  });
}

const sumOf = (xs: number[]) => roundMinutes(xs.reduce((a, b) => a + b, 0));
