import type { Redis } from 'ioredis';
import { type App, bootstrap } from '../../../src/bootstrap.js';
import { createRedisClient, waitForReady } from '../../../src/cache/redis/client.js';
import { loadConfig } from '../../../src/platform/config.js';
import { getJson, PG_URL, type TestEnv } from '../../support/app.js';
import { currentGeneration } from '../../support/consistency.js';
import { uniquePrefix } from '../../support/ids.js';
import { logSink } from '../../support/log-sink.js';

export type LogEntry = { level: number; msg: string; [field: string]: unknown };
export type LoggedPod = App & { logs: () => string; entries: () => LogEntry[] };

/** pino's numeric levels. */
export const WARN = 40;

/**
 * A pod like `startPod`, but logging at `info` (what production runs) into a buffer, so a
 * test can check what an operator would see, and that no secret is among it.
 */
export async function startPodWithLogs(env: TestEnv & { schema: string }): Promise<LoggedPod> {
  const { schema, ...rest } = env;
  const sink = logSink();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DEMO: 'off',
    NODE_ENV: 'test',
    DATABASE_URL: PG_URL,
    REDIS_KEY_PREFIX: uniquePrefix('pod'),
    ...rest,
  });
  const app = await bootstrap(config, { schema, logDestination: sink.stream });
  const entries = () =>
    sink
      .text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogEntry);
  return { ...app, logs: sink.text, entries };
}

/** /api/cache/status and /api/health of a pod, as text, to search for leaked secrets. */
export async function statusAndHealth(
  url: string,
): Promise<{ status: Record<string, unknown>; health: Record<string, unknown>; text: string }> {
  const status = (await getJson(url, '/api/cache/status')).json;
  const health = (await getJson(url, '/api/health')).json;
  return { status, health, text: JSON.stringify([status, health]) };
}

/** A client with the product's own connection settings (TLS CA included). */
export async function adminClient(url: string, tlsCaFile?: string): Promise<Redis> {
  const redis = createRedisClient(url, { name: 'test-admin', tlsCaFile });
  await waitForReady(redis);
  return redis;
}

/** Entity name -> current SLA in the current Redis generation under `prefix`. */
export async function redisSlas(redis: Redis, prefix: string): Promise<Map<string, number>> {
  return new Map((await currentGeneration(redis, prefix)).map((e) => [e.entityName, e.currentSla]));
}
