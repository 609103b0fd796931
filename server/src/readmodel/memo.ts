import type { Summary } from '@sla/shared';
import type { EntityView } from './view.js';

/** A summary is at most this old: it walks every entity, and dashboards poll it. */
const MAX_AGE_MS = 1_000;

const cache = new WeakMap<EntityView, Map<number, { revision: number; at: number; value: Summary }>>();

/**
 * Reuses the last summary while the view has not changed, or for up to a second while it
 * changes constantly (a busy ingest would otherwise make every dashboard poll walk every entity).
 */
export function memoSummary(view: EntityView, worst: number, compute: () => Summary): Summary {
  let byWorst = cache.get(view);
  if (!byWorst) {
    byWorst = new Map();
    cache.set(view, byWorst);
  }
  const hit = byWorst.get(worst);
  const now = Date.now();
  if (hit && (hit.revision === view.revision || now - hit.at < MAX_AGE_MS) && now - hit.at < 60_000) return hit.value;
  const value = compute();
  byWorst.set(worst, { revision: view.revision, at: now, value });
  return value;
}
