import type { RedisClient } from './client.js';
import { fleetKeys } from './keys.js';

/**
 * The fleet's heartbeats in Redis: each pod's latest heartbeat JSON under its own key with
 * a TTL, so a pod that stops vanishes by itself, and a set of ids to find the keys without
 * SCAN. Values are returned raw; the caller validates them.
 */
export class RedisFleetRegistry {
  private readonly keys: ReturnType<typeof fleetKeys>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = fleetKeys(prefix);
  }

  /** Stores this pod's heartbeat for `ttlMs` and lists its id. */
  async write(podId: string, json: string, ttlMs: number): Promise<void> {
    await Promise.all([
      this.redis.set(this.keys.pod(podId), json, 'PX', ttlMs),
      this.redis.sadd(this.keys.pods, podId),
    ]);
  }

  /** Every listed pod's heartbeat JSON; ids whose key expired are removed from the set. */
  async read(): Promise<string[]> {
    const ids = await this.redis.smembers(this.keys.pods);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.keys.pod(id)));
    const gone = ids.filter((_, i) => values[i] === null);
    if (gone.length > 0) await this.redis.srem(this.keys.pods, ...gone);
    return values.filter((v): v is string => v !== null);
  }

  /** Removes this pod (a graceful shutdown: it leaves the list at once, not after the TTL). */
  async remove(podId: string): Promise<void> {
    await Promise.all([this.redis.del(this.keys.pod(podId)), this.redis.srem(this.keys.pods, podId)]);
  }
}
