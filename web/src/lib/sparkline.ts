/** Where a sparkline draws: the box and the value range mapped onto it. */
export type SparkBox = { width: number; height: number; min: number; max: number; pad?: number };

/**
 * An SVG path through `values`, evenly spaced left to right over the box; `null` values
 * break the line (no data that day) rather than bridging the gap. A lone value between
 * gaps becomes a short tick so it stays visible. Values are clamped to [min, max].
 */
export function sparklinePath(values: readonly (number | null)[], box: SparkBox): string {
  const { width, height, min, max, pad = 1 } = box;
  if (values.length === 0) return '';
  const span = max - min || 1;
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  const x = (i: number) => round(pad + i * step);
  const y = (v: number) => round(pad + (1 - (Math.max(min, Math.min(max, v)) - min) / span) * (height - 2 * pad));
  const parts: string[] = [];
  let open = false;
  values.forEach((v, i) => {
    if (v == null) {
      open = false;
      return;
    }
    const lone = !open && (i + 1 >= values.length || values[i + 1] == null);
    parts.push(`${open ? 'L' : 'M'}${x(i)},${y(v)}`);
    if (lone) parts.push(`l${Math.max(1, round(step / 3))},0`);
    open = true;
  });
  return parts.join('');
}

/**
 * The value range a compliance sparkline shows: up to 100, down to a little under the
 * lowest value (at least `floor` points of range), so a dip of 0.5 % is visible and a
 * dip to 40 % does not flatten everything else.
 */
export function complianceRange(values: readonly (number | null)[], floor = 2): { min: number; max: number } {
  const present = values.filter((v): v is number => v != null);
  if (present.length === 0) return { min: 100 - floor, max: 100 };
  const lo = Math.min(...present);
  return { min: Math.max(0, Math.min(100 - floor, Math.floor(lo - 0.5))), max: 100 };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** A sentence for a sparkline's text alternative: the range and the last value. */
export function describeSeries(values: readonly (number | null)[], days: number, fmt: (v: number) => string): string {
  const present = values.filter((v): v is number => v != null);
  if (present.length === 0) return `No compliance data in the last ${days} days`;
  const last = [...values].reverse().find((v) => v != null) as number;
  return `Compliance over the last ${days} days: lowest ${fmt(Math.min(...present))}, highest ${fmt(Math.max(...present))}, latest ${fmt(last)}`;
}
