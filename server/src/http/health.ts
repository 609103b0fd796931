import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { sendJson } from './respond.js';

/** What the health endpoints read of the pod. */
export type HealthSource = {
  podId: string;
  /** True once shutdown began: readiness answers 503 so the load balancer stops sending. */
  draining: () => boolean;
  /** True until the pod's start-up finished: readiness answers 503 ("starting") meanwhile. */
  starting: () => boolean;
  /** Resolves when PostgreSQL answers a trivial query. */
  pingDatabase: () => Promise<unknown>;
  /** The cache as health reports it (synchronous: no Redis round trip). */
  cache: () => {
    redisConfigured: boolean;
    mode: 'redis' | 'memory';
    initialized: boolean;
    /** Not initialised because neither PostgreSQL nor a usable Redis cache answers yet. */
    waiting: boolean;
    /** While waiting: PostgreSQL's refusal of this pod's configuration (wrong database or credentials), else null. */
    misconfigured?: string | null;
    entities: number;
    lastChangeId: number;
  };
};

type Check = { status: 'ok' | 'degraded' | 'down' | 'disabled'; detail?: string; latencyMs?: number };

/**
 * PostgreSQL's state for /api/health. The driver's error is logged (at debug: probes ask
 * every few seconds), never shown: its message carries SQL text and addresses, and the
 * endpoint is open to anyone who can reach the pod.
 */
async function databaseCheck(h: HealthSource, log: Logger): Promise<Check> {
  const started = Date.now();
  try {
    await Promise.race([
      h.pingDatabase(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 1s')), 1_000).unref()),
    ]);
    return { status: 'ok', latencyMs: Date.now() - started };
  } catch (err) {
    log.debug({ err }, 'health check: PostgreSQL did not answer');
    return {
      status: 'down',
      detail: 'PostgreSQL did not answer: reads are served from the cache; ingest answers 503',
    };
  }
}

function readiness(h: HealthSource): { ready: boolean; reason?: string } {
  if (h.draining()) return { ready: false, reason: 'draining' };
  const cache = h.cache();
  if (cache.waiting && cache.misconfigured)
    return {
      ready: false,
      reason: `PostgreSQL refuses this pod's configuration (check DATABASE_URL): ${cache.misconfigured}`,
    };
  if (cache.waiting)
    return { ready: false, reason: 'waiting for PostgreSQL or Redis: neither can serve the cache yet' };
  if (!cache.initialized) return { ready: false, reason: 'cache not initialised' };
  if (h.starting()) return { ready: false, reason: 'starting' };
  return { ready: true };
}

/** /api/health/live, /api/health/ready and /api/health. Returns false for other paths. */
export async function handleHealth(h: HealthSource, log: Logger, res: ServerResponse, path: string): Promise<boolean> {
  if (path === '/health/live') {
    sendJson(res, 200, { status: 'ok' });
    return true;
  }
  const r = readiness(h);
  if (path === '/health/ready') {
    sendJson(res, r.ready ? 200 : 503, r.ready ? { status: 'ok' } : { status: 'unavailable', reason: r.reason });
    return true;
  }
  if (path !== '/health') return false;
  const cache = h.cache();
  const redis: Check = !cache.redisConfigured
    ? { status: 'disabled', detail: 'no Redis configured: memory mode' }
    : cache.mode === 'redis'
      ? { status: 'ok' }
      : { status: 'degraded', detail: 'redis unreachable: serving from the in-memory cache' };
  const database = await databaseCheck(h, log);
  const checks = {
    database,
    redis,
    cache: {
      status: cache.initialized ? 'ok' : 'down',
      mode: cache.mode,
      entities: cache.entities,
      lastChangeId: cache.lastChangeId,
    },
  };
  const degraded = database.status !== 'ok' || redis.status === 'degraded';
  sendJson(res, r.ready ? 200 : 503, {
    status: !r.ready ? 'down' : degraded ? 'degraded' : 'ok',
    ready: r.ready,
    ...(r.reason ? { reason: r.reason } : {}),
    podId: h.podId,
    checks,
  });
  return true;
}
