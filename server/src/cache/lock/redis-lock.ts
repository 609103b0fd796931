import type { Redis } from 'ioredis';
import { cacheKeys } from '../redis/keys.js';
import { defineScripts, type Script } from '../redis/scripts.js';
import { newToken, podOf, type RefreshLock } from './lock.js';

/**
 * The refresh lock in Redis: `SET NX PX` with a random token, renewed and released by
 * compare-and-expire / compare-and-delete, and a fencing token from `INCR` drawn with it
 * (lua/lockAcquire.lua, lockRenew.lua, lockRelease.lua, loaded by redis/scripts.ts).
 */
export class RedisRefreshLock implements RefreshLock {
  private readonly lockKey: string;
  private readonly fenceKey: string;
  private readonly run: Record<'lockAcquire' | 'lockRenew' | 'lockRelease', Script>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly podId: string,
  ) {
    if (redis.options.keyPrefix)
      throw new Error('RedisRefreshLock builds its own keys: use a client without keyPrefix');
    const keys = cacheKeys(prefix);
    this.lockKey = keys.lock;
    this.fenceKey = keys.fence;
    this.run = defineScripts(redis, ['lockAcquire', 'lockRenew', 'lockRelease']);
  }

  async acquire(ttlMs: number): Promise<{ token: string; fence: number } | null> {
    const token = newToken(this.podId);
    const fence = Number(await this.run.lockAcquire([this.lockKey, this.fenceKey], [token, Math.ceil(ttlMs)]));
    return fence > 0 ? { token, fence } : null;
  }

  async renew(token: string, ttlMs: number): Promise<boolean> {
    return Number(await this.run.lockRenew([this.lockKey], [token, Math.ceil(ttlMs)])) === 1;
  }

  async release(token: string): Promise<boolean> {
    return Number(await this.run.lockRelease([this.lockKey], [token])) === 1;
  }

  async holder(): Promise<string | null> {
    return podOf(await this.redis.get(this.lockKey));
  }
}
