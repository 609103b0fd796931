import { formatPercent } from '../lib/format';
import { complianceRange, describeSeries, sparklinePath } from '../lib/sparkline';

type Props = {
  values: readonly (number | null)[];
  days: number;
  width?: number;
  height?: number;
  className?: string;
};

/**
 * Daily compliance as a small SVG line (cheap enough for a table of 50 rows: one path, no
 * canvas, no library), with the range and latest value as its text alternative.
 */
export function Sparkline({ values, days, width = 84, height = 22, className }: Props) {
  const range = complianceRange(values);
  const d = sparklinePath(values, { width, height, ...range, pad: 1.5 });
  return (
    <svg
      className={className ?? 'sparkline'}
      role="img"
      aria-label={describeSeries(values, days, formatPercent)}
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      preserveAspectRatio="none"
    >
      <path d={d} fill="none" stroke="currentColor" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
