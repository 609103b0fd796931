import type { History } from '@sla/shared';
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { breachIntervals, breachShare, type Interval, type SlaPoint } from '../lib/breaches';
import { formatPercent } from '../lib/format';

type Props = { history: History; from: number; to: number };

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

type Palette = { text: string; grid: string; accent: string; danger: string; breach: string };
const readPalette = (): Palette => ({
  text: css('--text'),
  grid: css('--grid'),
  accent: css('--accent'),
  danger: css('--danger'),
  breach: css('--breach'),
});

/** The chart's colours, re-read when data-theme changes (toggle or system) so the canvas follows. */
function usePalette(): Palette {
  const [palette, setPalette] = useState(readPalette);
  useEffect(() => {
    const mo = new MutationObserver(() => setPalette(readPalette()));
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => mo.disconnect();
  }, []);
  return palette;
}

/** Shades breach periods behind the series (drawClear runs before series are drawn). */
function breachPlugin(intervals: { current: Interval[] }, fill: string): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u) => {
        const { ctx, bbox } = u;
        ctx.save();
        ctx.fillStyle = fill;
        for (const [s, e] of intervals.current) {
          const x0 = u.valToPos(s / 1000, 'x', true);
          const x1 = u.valToPos(e / 1000, 'x', true);
          const left = Math.max(bbox.left, Math.min(x0, x1));
          const right = Math.min(bbox.left + bbox.width, Math.max(x0, x1));
          if (right > left) ctx.fillRect(left, bbox.top, Math.max(1, right - left), bbox.height);
        }
        ctx.restore();
      },
    },
  };
}

function chartData(points: SlaPoint[], target: number, from: number, to: number): uPlot.AlignedData {
  // The window's ends carry no SLA value but keep the target line spanning the whole period.
  const xs = [from / 1000, ...points.map((p) => p.t / 1000), to / 1000];
  return [xs, [null, ...points.map((p) => p.sla), null], xs.map(() => target)];
}

export default function SlaChart({ history, from, to }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<uPlot | null>(null);
  const palette = usePalette();
  const target = history.entity.slaTarget;
  const points: SlaPoint[] = useMemo(
    () => history.points.map((p) => ({ t: Date.parse(p.at), sla: p.sla, status: p.status })),
    [history.points],
  );
  const intervals = useMemo(() => breachIntervals(points, target, to), [points, target, to]);
  const intervalsRef = useRef(intervals);
  intervalsRef.current = intervals;

  // Built once per theme, target and window; live points only call setData (no rebuild).
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const { text, grid } = palette;
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: 260,
      plugins: [breachPlugin(intervalsRef, palette.breach)],
      scales: {
        x: { time: true, range: [from / 1000, to / 1000] },
        y: { range: (_u, dmin) => [Math.max(0, Math.floor(Math.min(dmin ?? target, target) - 2)), 100] },
      },
      axes: [
        { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid } },
        { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid }, values: (_u, v) => v.map((x) => `${x}%`) },
      ],
      series: [
        {},
        { label: 'SLA %', stroke: palette.accent, width: 2, spanGaps: true, points: { show: true, size: 4 } },
        { label: 'Target', stroke: palette.danger, width: 1.5, dash: [6, 4], points: { show: false } },
      ],
    };
    const u = new uPlot(opts, [[], [], []], el);
    setChart(u);
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(280, el.clientWidth), height: 260 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      setChart(null);
    };
  }, [target, from, to, palette]);

  // A rebuilt chart (new theme or window) starts empty, so it depends on the instance too.
  useEffect(() => {
    chart?.setData(chartData(points, target, from, to));
  }, [chart, points, target, from, to]);

  const slas = points.map((p) => p.sla);
  const label =
    points.length === 0
      ? 'No observations in this period.'
      : `SLA over the period: ${points.length} observations, lowest ${formatPercent(Math.min(...slas))}, ` +
        `highest ${formatPercent(Math.max(...slas))}, target ${formatPercent(target)}, ` +
        `in breach ${Math.round(breachShare(intervals, from, to) * 100)}% of the time.`;
  return (
    <figure className="chart">
      <div ref={box} role="img" aria-label={label} className="chart-canvas" />
      <figcaption>
        <span className="legend-swatch legend-breach" aria-hidden="true" /> Shaded: breach periods (below target or
        failed). Dashed line: target.
      </figcaption>
    </figure>
  );
}
