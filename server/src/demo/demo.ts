import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../platform/config.js';
import type { EntityView } from '../readmodel/view.js';
import { demoSla, prng, statusFor } from './dataset.js';

/** A token only the built-in demo poller knows, added to the accepted ingest tokens at start. */
export const demoToken = () => `demo-${randomBytes(16).toString('hex')}`;

/**
 * The built-in demo poller: every few seconds it pushes a handful of realistic results
 * through the real REST endpoint, so the dashboard is alive from the first minute.
 * Entities that went stale in the seed stay silent, so "stale" stays visible.
 */
export function startDemo(url: string, token: string, config: Config, view: EntityView, log: Logger): () => void {
  if (config.DEMO_POLLER_INTERVAL_MS <= 0) return () => undefined;
  const rnd = prng(Date.now() & 0xffff);
  const staleMs = config.STALE_AFTER_MINUTES * 60_000;
  const tick = async () => {
    const live = [...view.entities()].filter((e) => Date.now() - e.observedAt < staleMs);
    const updates = Array.from({ length: Math.min(5, live.length) }, () => {
      const e = live[Math.floor(rnd() * live.length)];
      if (!e) return null;
      const troubled = e.currentSla < e.slaTarget;
      const profile = troubled ? (rnd() < 0.7 ? 'failing' : 'flaky') : rnd() < 0.06 ? 'flaky' : 'healthy';
      const sla = demoSla({ ...e, profile }, rnd(), true);
      return {
        tenantName: e.tenantName,
        teamName: e.teamName,
        entityType: e.entityType,
        entityName: e.entityName,
        currentSla: sla,
        status: statusFor(sla, e.slaTarget),
        observedAt: new Date().toISOString(),
      };
    }).filter((u) => u !== null);
    if (updates.length === 0) return;
    const res = await fetch(`${url}/api/cache/incremental-updates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ updates }),
    });
    if (!res.ok) log.debug({ status: res.status }, 'demo poller update refused');
  };
  const timer = setInterval(
    () => void tick().catch((err) => log.debug({ err: (err as Error).message }, 'demo poller failed')),
    config.DEMO_POLLER_INTERVAL_MS,
  );
  timer.unref();
  log.info({ everyMs: config.DEMO_POLLER_INTERVAL_MS }, 'demo poller started');
  return () => clearInterval(timer);
}
