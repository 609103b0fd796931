import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { createRedisClient, waitForReady } from '../../../src/cache/redis/client.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A ready command client; connection errors are expected in some tests, so they are ignored. */
export async function connect(url = REDIS_URL, name = 'test'): Promise<Redis> {
  const redis = createRedisClient(url, { name });
  redis.on('error', () => undefined); // outages are what some of these tests are about
  await waitForReady(redis);
  return redis;
}

/** Elapsed ms of a promise that must reject. */
export async function timeRejection(p: Promise<unknown>): Promise<number> {
  const started = Date.now();
  await expect(p).rejects.toThrow();
  return Date.now() - started;
}
