import type { History } from '@sla/shared';
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { axis, followWidth, shadePlugin, useChartFeed, usePalette } from '../components/chart-kit';
import { breachIntervals, breachShare, type SlaPoint } from '../lib/breaches';
import { formatDuration } from '../lib/duration';
import { formatPercent } from '../lib/format';
import { type Span, spansTotal } from '../lib/intervals';

/** `windows`: maintenance-window occurrences inside [from, to), merged (lib/intervals windowSpans). */
type Props = { history: History; from: number; to: number; windows?: readonly Span[] };
const NO_SPANS: readonly Span[] = [];

function chartData(points: SlaPoint[], target: number, from: number, to: number): uPlot.AlignedData {
  // The window's ends carry no SLA value but keep the target line spanning the whole period.
  const xs = [from / 1000, ...points.map((p) => p.t / 1000), to / 1000];
  return [xs, [null, ...points.map((p) => p.sla), null], xs.map(() => target)];
}

export default function SlaChart({ history, from, to, windows = NO_SPANS }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<uPlot | null>(null);
  const palette = usePalette();
  const target = history.entity.slaTarget;
  const points: SlaPoint[] = useMemo(
    () => history.points.map((p) => ({ t: Date.parse(p.at), sla: p.sla, status: p.status })),
    [history.points],
  );
  const intervals = useMemo(() => breachIntervals(points, target, to), [points, target, to]);
  const layers = useRef<{ spans: readonly Span[]; fill: string }[]>([]);
  layers.current = [
    { spans: intervals, fill: palette.breach },
    { spans: windows, fill: palette.maint },
  ];

  // Built once per theme, target and window; live points only call setData (no rebuild).
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: 260,
      plugins: [shadePlugin(layers)],
      scales: {
        x: { time: true, range: [from / 1000, to / 1000] },
        y: { range: (_u, dmin) => [Math.max(0, Math.floor(Math.min(dmin ?? target, target) - 2)), 100] },
      },
      axes: [axis(palette), axis(palette, (_u, v) => v.map((x) => `${x}%`))],
      series: [
        {},
        { label: 'SLA %', stroke: palette.accent, width: 2, spanGaps: true, points: { show: true, size: 4 } },
        { label: 'Target', stroke: palette.danger, width: 1.5, dash: [6, 4], points: { show: false } },
      ],
    };
    const u = new uPlot(opts, [[], [], []], el);
    setChart(u);
    const unfollow = followWidth(u, el, 260);
    return () => {
      unfollow();
      u.destroy();
      setChart(null);
    };
  }, [target, from, to, palette]);

  const data = useMemo(() => chartData(points, target, from, to), [points, target, from, to]);
  useChartFeed(chart, data, windows);

  const slas = points.map((p) => p.sla);
  const label =
    points.length === 0
      ? 'No observations in this period.'
      : `SLA over the period: ${points.length} observations, lowest ${formatPercent(Math.min(...slas))}, ` +
        `highest ${formatPercent(Math.max(...slas))}, target ${formatPercent(target)}, ` +
        `in breach ${Math.round(breachShare(intervals, from, to) * 100)}% of the time` +
        (windows.length ? `, ${formatDuration(spansTotal(windows))} in maintenance windows.` : '.');
  return (
    <figure className="chart">
      <div ref={box} role="img" aria-label={label} className="chart-canvas" />
      <figcaption>
        <span className="legend-swatch legend-breach" aria-hidden="true" /> Shaded red: breach periods (below target or
        failed).{' '}
        {windows.length ? (
          <>
            <span className="legend-swatch legend-maint" aria-hidden="true" /> Shaded blue: maintenance windows.{' '}
          </>
        ) : null}
        Dashed line: target.
      </figcaption>
    </figure>
  );
}
