import { Cluster, type Redis } from 'ioredis';
import { keyPrefixOf, type RedisClient } from '../redis/client.js';
import { cacheKeys } from '../redis/keys.js';
import { defineScripts, type Script } from '../redis/scripts.js';
import { newToken, podOf, type RefreshLock } from './lock.js';

/** How long a lock waits for a replica to acknowledge it (see RedisRefreshLock). */
const REPLICA_ACK_MS = 500;

/**
 * The refresh lock in Redis: `SET NX PX` with a random token, renewed and released by
 * compare-and-expire / compare-and-delete, and a fencing token from `INCR` drawn with it
 * (lua/lockAcquire.lua, lockRenew.lua, lockRelease.lua, loaded by redis/scripts.ts).
 *
 * With replicas (Sentinel, Cluster: `replicated`), a fencing token must survive a
 * failover, or a promoted replica that missed the `INCR` would hand the same token to the
 * next holder. So the lock counts as taken only once a replica has acknowledged it
 * (`WAIT 1`, on the master of the lock's slot); otherwise it is released and the refresh
 * waits for the next attempt. The token is also never below the current generation + 1
 * (the pointer, lockAcquire.lua), so even a counter lost with its whole node cannot hand
 * out a generation already used.
 */
export class RedisRefreshLock implements RefreshLock {
  private readonly lockKey: string;
  private readonly fenceKey: string;
  private readonly pointerKey: string;
  private readonly run: Record<'lockAcquire' | 'lockRenew' | 'lockRelease', Script>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly podId: string,
    private readonly replicated = false,
  ) {
    if (keyPrefixOf(redis)) throw new Error('RedisRefreshLock builds its own keys: use a client without keyPrefix');
    const keys = cacheKeys(prefix);
    this.lockKey = keys.lock;
    this.fenceKey = keys.fence;
    this.pointerKey = keys.current;
    this.run = defineScripts(redis, ['lockAcquire', 'lockRenew', 'lockRelease']);
  }

  /**
   * `{ token, fence }` when taken; null when another pod holds the lock or (replicated) no
   * replica acknowledged it within REPLICA_ACK_MS. Rejects when Redis fails.
   */
  async acquire(ttlMs: number): Promise<{ token: string; fence: number } | null> {
    const token = newToken(this.podId);
    const keys = [this.lockKey, this.fenceKey, this.pointerKey];
    const fence = Number(await this.run.lockAcquire(keys, [token, Math.ceil(ttlMs)]));
    if (fence <= 0) return null;
    if (this.replicated && (await this.replicaAcks()) < 1) {
      await this.release(token).catch(() => false);
      return null;
    }
    return { token, fence };
  }

  /** Replicas that have the lock and its token: WAIT on the master that holds them. */
  private async replicaAcks(): Promise<number> {
    const master = await this.masterOfLock();
    return master ? Number(await master.wait(1, REPLICA_ACK_MS)) : 0;
  }

  /** The connection WAIT must go to: WAIT counts the writes of the connection's own master. */
  private async masterOfLock(): Promise<Redis | undefined> {
    if (!(this.redis instanceof Cluster)) return this.redis;
    const slot = Number(await this.redis.call('CLUSTER', 'KEYSLOT', this.lockKey));
    const owner = this.redis.slots[slot]?.[0];
    return this.redis.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === owner);
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
