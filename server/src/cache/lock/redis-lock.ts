import type { Redis } from 'ioredis';
import { cacheKeys } from '../redis/keys.js';
import { newToken, podOf, type RefreshLock } from './lock.js';

// Taking the lock and drawing its fence in one script means no holder is ever left without one.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0
`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type LockScript = (...args: (string | number)[]) => Promise<unknown>;

export class RedisRefreshLock implements RefreshLock {
  private readonly lockKey: string;
  private readonly fenceKey: string;
  private readonly run: Record<'acquire' | 'renew' | 'release', LockScript>;

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
    const define = (name: string, numberOfKeys: number, lua: string): LockScript => {
      const command = `slaLock_${name}`;
      redis.defineCommand(command, { numberOfKeys, lua });
      const fn: unknown = Reflect.get(redis, command);
      if (typeof fn !== 'function') throw new Error(`ioredis did not define ${command}`);
      return (...args) => Promise.resolve(fn.apply(redis, args) as unknown);
    };
    this.run = {
      acquire: define('acquire', 2, ACQUIRE),
      renew: define('renew', 1, RENEW),
      release: define('release', 1, RELEASE),
    };
  }

  async acquire(ttlMs: number): Promise<{ token: string; fence: number } | null> {
    const token = newToken(this.podId);
    const fence = Number(await this.run.acquire(this.lockKey, this.fenceKey, token, Math.ceil(ttlMs)));
    return fence > 0 ? { token, fence } : null;
  }

  async renew(token: string, ttlMs: number): Promise<boolean> {
    return Number(await this.run.renew(this.lockKey, token, Math.ceil(ttlMs))) === 1;
  }

  async release(token: string): Promise<boolean> {
    return Number(await this.run.release(this.lockKey, token)) === 1;
  }

  async holder(): Promise<string | null> {
    return podOf(await this.redis.get(this.lockKey));
  }
}
