import { type Report, type ReportCsvPart, type ReportRow, WINDOW_CATEGORIES } from '@sla/shared';
import { stringify } from 'csv-stringify/sync';
import { budgetUsedPct, minutesOf, roundMinutes } from './precision.js';

/**
 * The CSV form of a report (docs/budgets.md "CSV layout"), one of two files:
 * - `entities`: a line per entity (`kind` = `entity`) with its figures, breach count and
 *   total breach minutes, and a last line (`kind` = `total`) with the report's summary;
 * - `breaches`: a line per breach (start, end, minutes), entity by entity in report order.
 * Both: UTF-8 with a byte-order mark (so spreadsheet programs read names as UTF-8), a header
 * line, CRLF line ends and RFC 4180 quoting (csv-stringify). Text cells a spreadsheet would
 * run as a formula are neutralised (`neutralise`); numbers are written as numbers. Empty
 * cells are nulls (no target, nothing counted).
 */
export function reportCsv(report: Report, part: ReportCsvPart = 'entities'): string {
  const lines: Cell[][] =
    part === 'entities'
      ? [[...ENTITY_COLUMNS], ...report.rows.map((r) => entityLine(report, r)), totalLine(report)]
      : [[...BREACH_COLUMNS], ...report.rows.flatMap((r) => breachLines(report, r))];
  return stringify(lines, {
    bom: true,
    record_delimiter: 'windows',
    cast: { string: neutralise, number: String },
  });
}

type Cell = string | number | null;

const EXCLUDED = WINDOW_CATEGORIES.map((c) => `excluded_${c}_minutes` as const);
const IDENTITY = ['tenant', 'team', 'entity_type', 'entity_name', 'entity_id', 'period', 'state', 'revision'] as const;

/** The columns of the `entities` file, in order (its header line). */
export const ENTITY_COLUMNS = [
  'kind',
  ...IDENTITY,
  'target_pct',
  'compliance_pct',
  'mean_reported_sla_pct',
  'budget_used_pct',
  'counted_minutes',
  'breach_minutes',
  'breach_count',
  ...EXCLUDED,
] as const;

/** The columns of the `breaches` file, in order (its header line). */
export const BREACH_COLUMNS = [...IDENTITY, 'breach_start', 'breach_end', 'breach_minutes'] as const;

/**
 * A text cell a spreadsheet could read as a formula, made inert (OWASP "CSV Injection"):
 * a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.
 * Only text goes through here: numbers (negative ones too) are numbers.
 */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

const identity = (report: Report, row: ReportRow | null): Cell[] => [
  report.tenantName,
  row ? row.teamName : report.teamName,
  row?.entityType ?? null,
  row?.entityName ?? null,
  row?.entityId ?? null,
  report.period,
  report.state,
  report.revision,
];

function entityLine(report: Report, row: ReportRow): Cell[] {
  return [
    'entity',
    ...identity(report, row),
    row.target,
    row.compliance,
    row.meanReportedSla,
    row.budgetUsedPct,
    minutesOf(row.countedMs),
    minutesOf(row.breachMs),
    row.breaches.length,
    ...WINDOW_CATEGORIES.map((c) => row.excludedMinutes[c] ?? 0),
  ];
}

function totalLine(report: Report): Cell[] {
  const s = report.summary;
  return [
    'total',
    ...identity(report, null),
    s.target,
    s.compliance,
    s.meanReportedSla,
    budgetUsedPct(s.breachMs, s.allowedMs),
    minutesOf(s.countedMs),
    minutesOf(s.breachMs),
    report.rows.reduce((n, r) => n + r.breaches.length, 0),
    ...WINDOW_CATEGORIES.map((c) => roundMinutes(report.rows.reduce((m, r) => m + (r.excludedMinutes[c] ?? 0), 0))),
  ];
}

const breachLines = (report: Report, row: ReportRow): Cell[][] =>
  row.breaches.map((b) => [...identity(report, row), b.start, b.end, minutesOf(b.durationMs)]);
