import type { Summary } from '@sla/shared';
import type { EntityView } from './view.js';

/** Summaries are reused within one whole second of the clock: it walks every entity, and dashboards poll it. */
const SECOND_MS = 1_000;

const cache = new WeakMap<EntityView, Map<number, { revision: number; at: number; value: Summary }>>();

/**
 * Reuses the last summary while the view has not changed, or within the same whole second
 * of the clock while it changes constantly (a busy ingest would otherwise make every
 * dashboard poll walk every entity). Aligned to the second (not "up to 1 s old") so the
 * hot read path, which keys cached bytes by the second too, never serves a summary more
 * than 1 s behind a change.
 */
export function memoSummary(view: EntityView, worst: number, compute: () => Summary): Summary {
  let byWorst = cache.get(view);
  if (!byWorst) {
    byWorst = new Map();
    cache.set(view, byWorst);
  }
  const hit = byWorst.get(worst);
  const now = Date.now();
  if (
    hit &&
    (hit.revision === view.revision || Math.floor(now / SECOND_MS) === Math.floor(hit.at / SECOND_MS)) &&
    now - hit.at < 60_000
  )
    return hit.value;
  const value = compute();
  byWorst.set(worst, { revision: view.revision, at: now, value });
  return value;
}
