import type { SeriesDay } from '../lib/api-types';
import { formatPercent } from '../lib/format';
import { HEAT_LEVELS, heatmapLayout } from '../lib/heatmap';

const CELL = 13;
const GAP = 3;
const WEEKDAYS = ['Mon', '', 'Wed', '', 'Fri', '', 'Sun'];

/**
 * Daily compliance as a calendar (one column per week, Monday on top). Each day is a
 * labelled image cell ("2026-11-03: 99.2 % compliant") so the grid reads without colour;
 * the legend names every colour step.
 */
export function Heatmap({ days }: { days: SeriesDay[] }) {
  const { cells, weeks } = heatmapLayout(days);
  const left = 30;
  const width = left + weeks * (CELL + GAP);
  const height = 7 * (CELL + GAP);
  return (
    <figure className="heatmap">
      <div className="heatmap-scroll">
        {/* biome-ignore lint/a11y/useSemanticElements: an SVG grid cannot be a fieldset; the group names the calendar its labelled cells belong to */}
        <svg
          role="group"
          aria-label={`Daily compliance, ${days.length} days`}
          viewBox={`0 0 ${width} ${height}`}
          width={width}
          height={height}
        >
          {WEEKDAYS.map((d, i) =>
            d ? (
              <text key={d} x={0} y={i * (CELL + GAP) + CELL - 2} className="heat-weekday">
                {d}
              </text>
            ) : null,
          )}
          {cells.map((c) => (
            // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: an SVG rect is not interactive; role img gives each day its label
            <rect
              key={c.date}
              role="img"
              aria-label={`${c.date}: ${c.compliance == null ? 'no data' : `${formatPercent(c.compliance)} compliant`}`}
              className={`heat heat-${c.level}`}
              x={left + c.week * (CELL + GAP)}
              y={c.weekday * (CELL + GAP)}
              width={CELL}
              height={CELL}
              rx={2}
            >
              <title>{`${c.date}: ${c.compliance == null ? 'no data' : formatPercent(c.compliance)}`}</title>
            </rect>
          ))}
        </svg>
      </div>
      <figcaption className="heat-legend">
        {HEAT_LEVELS.map((l) => (
          <span key={l.level}>
            <span className={`heat-swatch heat-${l.level}`} aria-hidden="true" /> {l.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
