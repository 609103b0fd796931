import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { axis, followWidth, shadePlugin, useChartFeed, usePalette } from '../components/chart-kit';
import { type Burndown, burndownData, describeBurndown } from '../lib/burndown';
import { formatDuration } from '../lib/duration';
import type { Span } from '../lib/intervals';

const HEIGHT = 220;

/**
 * The calendar period's budget burning down (minutes remaining, uPlot) against the line of
 * spending it evenly, with maintenance windows shaded; the text alternative says the
 * allowance and what is left.
 */
export default function BurndownChart({ burndown, windows }: { burndown: Burndown; windows: readonly Span[] }) {
  const box = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<uPlot | null>(null);
  const palette = usePalette();
  const data = useMemo(() => burndownData(burndown), [burndown]);
  const layers = useRef<{ spans: readonly Span[]; fill: string }[]>([]);
  layers.current = [{ spans: windows, fill: palette.maint }];

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: HEIGHT,
        plugins: [shadePlugin(layers)],
        scales: { x: { time: true } },
        axes: [axis(palette), axis(palette, (_u, v) => v.map((m) => `${Math.round(m)} min`))],
        series: [
          {},
          { label: 'Remaining', stroke: palette.accent, width: 2, spanGaps: true, points: { show: false } },
          { label: 'Even spend', stroke: palette.text, width: 1, dash: [4, 4], points: { show: false } },
        ],
      },
      [[], [], []],
      el,
    );
    setChart(u);
    const unfollow = followWidth(u, el, HEIGHT);
    return () => {
      unfollow();
      u.destroy();
      setChart(null);
    };
  }, [palette]);

  useChartFeed(chart, data, windows);

  return (
    <figure className="chart">
      <div ref={box} role="img" aria-label={describeBurndown(burndown, formatDuration)} className="chart-canvas" />
      <figcaption>
        Solid line: budget remaining. Dashed line: spending it evenly over the period.
        {windows.length ? (
          <>
            {' '}
            <span className="legend-swatch legend-maint" aria-hidden="true" /> Shaded: maintenance windows.
          </>
        ) : null}
      </figcaption>
    </figure>
  );
}
