const nf = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const intf = new Intl.NumberFormat();

export const formatPercent = (v: number | null | undefined): string => (v == null ? '–' : `${nf.format(v)}%`);
export const formatRatio = (part: number, total: number): string =>
  total === 0 ? '–' : `${nf.format((part / total) * 100)}%`;
export const formatCount = (n: number): string => intf.format(n);

/** Signed shortfall against target, e.g. "−4.5" when 4.5 points below. */
export function formatGap(sla: number, target: number): string {
  const gap = sla - target;
  if (Math.abs(gap) < 0.05) return '0.0';
  return `${gap > 0 ? '+' : '−'}${nf.format(Math.abs(gap))}`;
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];
const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

/** "3 min. ago" style; exact times stay available in the title attribute. */
export function formatRelative(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '–';
  const diff = t - now;
  for (const [unit, ms] of units) {
    if (Math.abs(diff) >= ms || unit === 'second') return rtf.format(Math.round(diff / ms), unit);
  }
  return '–';
}

const dtf = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
export const formatDateTime = (iso: string | null | undefined): string => {
  if (!iso) return '–';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '–' : dtf.format(t);
};
