import type { ServerResponse } from 'node:http';
import type { AppDeps } from '../app-deps.js';
import { sendJson } from './respond.js';

type Check = { status: 'ok' | 'degraded' | 'down' | 'disabled'; detail?: string; latencyMs?: number };

async function databaseCheck(app: AppDeps): Promise<Check> {
  const started = Date.now();
  try {
    await Promise.race([
      app.db.sql('SELECT 1'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 1s')), 1_000).unref()),
    ]);
    return { status: 'ok', latencyMs: Date.now() - started };
  } catch (err) {
    return {
      status: 'down',
      detail: `reads are served from the cache; ingest answers 503 (${(err as Error).message})`,
    };
  }
}

function readiness(app: AppDeps): { ready: boolean; reason?: string } {
  if (app.draining()) return { ready: false, reason: 'draining' };
  if (!app.cache.isInitialized) return { ready: false, reason: 'cache not initialised' };
  return { ready: true };
}

/** /api/health/live, /api/health/ready and /api/health. Returns false for other paths. */
export async function handleHealth(app: AppDeps, res: ServerResponse, path: string): Promise<boolean> {
  if (path === '/health/live') {
    sendJson(res, 200, { status: 'ok' });
    return true;
  }
  const r = readiness(app);
  if (path === '/health/ready') {
    sendJson(res, r.ready ? 200 : 503, r.ready ? { status: 'ok' } : { status: 'unavailable', reason: r.reason });
    return true;
  }
  if (path !== '/health') return false;
  const cache = app.cache;
  const redis: Check = !cache.redis
    ? { status: 'disabled', detail: 'REDIS_URL not set: memory mode' }
    : cache.mode === 'redis'
      ? { status: 'ok' }
      : { status: 'degraded', detail: 'redis unreachable: serving from the in-memory cache' };
  const database = await databaseCheck(app);
  const checks = {
    database,
    redis,
    cache: {
      status: cache.isInitialized ? 'ok' : 'down',
      mode: cache.mode,
      entities: cache.view.size,
      lastChangeId: cache.follower.applied,
    },
  };
  const degraded = database.status !== 'ok' || redis.status === 'degraded';
  sendJson(res, r.ready ? 200 : 503, {
    status: !r.ready ? 'down' : degraded ? 'degraded' : 'ok',
    ready: r.ready,
    ...(r.reason ? { reason: r.reason } : {}),
    podId: app.config.podId,
    checks,
  });
  return true;
}
