import { useEffect, useState } from 'react';
import type uPlot from 'uplot';

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

export type Palette = { text: string; grid: string; accent: string; danger: string; breach: string; maint: string };
const readPalette = (): Palette => ({
  text: css('--text'),
  grid: css('--grid'),
  accent: css('--accent'),
  danger: css('--danger'),
  breach: css('--breach'),
  maint: css('--maint'),
});

/** The charts' colours, re-read when data-theme changes (toggle or system) so the canvas follows. */
export function usePalette(): Palette {
  const [palette, setPalette] = useState(readPalette);
  useEffect(() => {
    const mo = new MutationObserver(() => setPalette(readPalette()));
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => mo.disconnect();
  }, []);
  return palette;
}

/** Spans `[start, end)` in epoch ms. */
type Spans = readonly (readonly [number, number])[];

/**
 * Shades spans of time behind the series (drawClear runs before series are drawn). The
 * spans are read through a ref so live data only redraws, never rebuilds the chart; each
 * layer is drawn in order, so a later one (maintenance) lies over an earlier (breach).
 */
export function shadePlugin(layers: { current: { spans: Spans; fill: string }[] }): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u) => {
        const { ctx, bbox } = u;
        ctx.save();
        for (const { spans, fill } of layers.current) {
          ctx.fillStyle = fill;
          for (const [s, e] of spans) {
            const x0 = u.valToPos(s / 1000, 'x', true);
            const x1 = u.valToPos(e / 1000, 'x', true);
            const left = Math.max(bbox.left, Math.min(x0, x1));
            const right = Math.min(bbox.left + bbox.width, Math.max(x0, x1));
            if (right > left) ctx.fillRect(left, bbox.top, Math.max(1, right - left), bbox.height);
          }
        }
        ctx.restore();
      },
    },
  };
}

/** Axis styling both charts share. */
export const axis = (p: Palette, values?: uPlot.Axis['values']): uPlot.Axis => ({
  stroke: p.text,
  grid: { stroke: p.grid },
  ticks: { stroke: p.grid },
  ...(values ? { values } : {}),
});

/** Keeps a chart as wide as its box. */
export function followWidth(u: uPlot, el: HTMLElement, height: number): () => void {
  const ro = new ResizeObserver(() => u.setSize({ width: Math.max(280, el.clientWidth), height }));
  ro.observe(el);
  return () => ro.disconnect();
}

/**
 * Feeds a chart its data (a rebuilt chart starts empty, so this follows the instance too),
 * and only redraws when nothing but the shaded spans changed: no new data, no rebuild.
 */
export function useChartFeed(chart: uPlot | null, data: uPlot.AlignedData, shading: unknown): void {
  useEffect(() => {
    chart?.setData(data);
  }, [chart, data]);
  useEffect(() => {
    if (shading !== undefined) chart?.redraw(false);
  }, [chart, shading]);
}
