import type { Budget } from '@sla/shared';
import { BURN_TIERS, burnGaugePct, burnLevel, formatBurnRate, thresholdFor } from '../lib/budget';
import { formatWindowMinutes } from '../lib/duration';

const LEVEL_TEXT = { over: 'over its alert threshold', elevated: 'above 1', ok: 'within budget', unknown: 'no data' };

/**
 * One tile per burn-rate window (5 min to 3 d): the rate, a log gauge with the 1, 6 and
 * 14.4 tier thresholds marked, and whether the window's own threshold is crossed, in words.
 */
export function BurnRateTiles({ burnRates }: { burnRates: Budget['burnRates'] }) {
  return (
    <section aria-labelledby="burn-title">
      <h2 id="burn-title">Burn rates</h2>
      <ul className="burn-tiles">
        {burnRates.map((b) => {
          const level = burnLevel(b.burnRate, b.windowMinutes);
          const threshold = thresholdFor(b.windowMinutes);
          return (
            <li key={b.windowMinutes} className={`burn-tile burn-${level}`} data-window={b.windowMinutes}>
              <span className="burn-window">{formatWindowMinutes(b.windowMinutes)}</span>
              <strong className="burn-rate">{formatBurnRate(b.burnRate)}</strong>
              <span className="burn-gauge" aria-hidden="true">
                {BURN_TIERS.map((t) => (
                  <span
                    key={t.threshold}
                    className={`burn-mark${t.threshold === threshold ? ' burn-mark-own' : ''}`}
                    style={{ left: `${burnGaugePct(t.threshold)}%` }}
                  />
                ))}
                {b.burnRate == null ? null : (
                  <span className="burn-needle" style={{ left: `${burnGaugePct(b.burnRate)}%` }} />
                )}
              </span>
              <span className="burn-level">
                {LEVEL_TEXT[level]} <span className="muted">(alerts at {threshold}×)</span>
              </span>
            </li>
          );
        })}
      </ul>
      <p className="hint">
        1× spends the budget exactly over its window. Gauge marks: 1× (ticket, 3 d and 6 h), 6× (page, 6 h and 30 min),
        14.4× (page, 1 h and 5 min).
      </p>
    </section>
  );
}
