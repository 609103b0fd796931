import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisSentinel, type TestRedisSentinel } from '../../../test/support/redis-sentinel.js';
import { RedisRefreshLock } from '../../src/cache/lock/redis-lock.js';
import { connectRedis, type RedisClient, waitForReady } from '../../src/cache/redis/client.js';
import { RedisStore } from '../../src/cache/redis/store.js';
import { runWorkload } from '../faults/workload.js';
import { entity, metaFor } from '../integration/cache/store.contract.js';
import { dropSchema, PG_URL, type PodProcess, spawnPod, uniqueSchema } from '../support/app.js';
import { pgChangeIds } from '../support/consistency.js';
import { uniquePrefix } from '../support/ids.js';
import { expectRedisEqualsPostgres, hostPorts, msUntilWritesReachRedis, probeNode } from '../support/topology.js';

const PASSWORD = 'data-secret';

/** Connections of the product's write paths (`<pod>:cmd`, `<pod>:bulk`) open on the node at `port`. */
async function productWritersOn(port: number, pods: string[]): Promise<string[]> {
  const list = String(await probeNode(port, (node) => node.client('LIST'), PASSWORD));
  return list
    .split('\n')
    .map((line) => /name=(\S+)/.exec(line)?.[1] ?? '')
    .filter((name) => pods.some((p) => name === `${p}:cmd` || name === `${p}:bulk`));
}

describe('the product on Redis Sentinel (1 master, 2 replicas, 3 sentinels)', () => {
  const schema = uniqueSchema('sentinel');
  const prefix = uniquePrefix('sentinel');
  let set: TestRedisSentinel;
  let check: RedisClient;
  let pods: PodProcess[] = [];
  const target = () => ({
    kind: 'sentinel' as const,
    sentinels: set.sentinels,
    name: set.masterName,
    url: `redis://:${PASSWORD}@not-used:1`,
  });

  beforeAll(async () => {
    set = await startRedisSentinel({ replicas: 2, sentinels: 3, downAfterMs: 1000, password: PASSWORD });
    check = connectRedis(target(), { name: 'check' });
    check.on('error', () => undefined);
    await waitForReady(check);
    const env = {
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: schema,
      REDIS_SENTINELS: hostPorts(set.sentinels),
      REDIS_SENTINEL_NAME: set.masterName,
      // Only the data nodes' password is taken from it.
      REDIS_URL: `redis://:${PASSWORD}@not-used`,
      REDIS_KEY_PREFIX: prefix,
      HEARTBEAT_INTERVAL_MS: '500',
      LOG_LEVEL: 'warn',
    };
    pods = await Promise.all([spawnPod({ ...env, POD_ID: 'sn-a' }), spawnPod({ ...env, POD_ID: 'sn-b' })]);
  }, 120_000);

  afterAll(async () => {
    for (const p of pods) p.kill('SIGKILL');
    check?.disconnect();
    await set?.close();
    await dropSchema(schema);
  });

  it('resumes Redis writes within 5 s of a promotion after the master froze, loses no acknowledged write, and never writes to the old master', async () => {
    const load = runWorkload(pods, { tenant: 'Sentinel Tenant', writersPerPod: 2 });
    let resumedMs = 0;
    let oldMaster = 0;
    const onOldMaster: string[] = [];
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      oldMaster = await set.master();
      set.node(oldMaster).freeze();
      await set.waitForPromotion(oldMaster, 15_000);
      resumedMs = await msUntilWritesReachRedis(pods[0]?.url ?? '', check, prefix);
      await new Promise((r) => setTimeout(r, 1_000));
      // Resumed, the old master still says master for a while: the product must not write there.
      set.node(oldMaster).thaw();
      const until = Date.now() + 4_000;
      while (Date.now() < until) {
        onOldMaster.push(...(await productWritersOn(oldMaster, ['sn-a', 'sn-b']).catch(() => [])));
        await new Promise((r) => setTimeout(r, 250));
      }
      await set.waitForRole(oldMaster, 'replica', 30_000);
    } finally {
      await load.stop();
    }
    expect(load.failedReads).toEqual([]);
    expect(load.failedWrites).toEqual([]);
    expect(load.slowest.ms, `slowest request: ${load.slowest.what}`).toBeLessThan(2_000);
    expect(resumedMs, 'Redis writes resumed after the promotion').toBeLessThan(5_000);
    expect(onOldMaster).toEqual([]);
    const ids = new Set(await pgChangeIds(schema));
    expect(load.accepted.length).toBeGreaterThan(50);
    expect(load.accepted.filter((id) => !ids.has(id))).toEqual([]);
    await expectRedisEqualsPostgres(check, prefix, schema, 15_000);
    console.log(`sentinel: Redis writes resumed ${resumedMs} ms after the promotion`);
  });

  it('fences a refresher whose lock vanished in a failover: it cannot switch, and the next holder gets a larger fence', async () => {
    const own = uniquePrefix('sentinel-fence');
    const a = connectRedis(target(), { name: 'refresher-a' });
    const b = connectRedis(target(), { name: 'refresher-b' });
    for (const c of [a, b]) c.on('error', () => undefined);
    await Promise.all([waitForReady(a), waitForReady(b)]);
    try {
      const storeA = new RedisStore(a, own);
      const lockA = new RedisRefreshLock(a, own, 'refresher-a', true);
      const heldA = await lockA.acquire(2_000);
      if (!heldA) throw new Error('refresher a did not get the lock');
      await storeA.beginGeneration(heldA.fence, 0);
      await storeA.writeSnapshot(heldA.fence, [entity(1)]);

      // The master fails over mid-refresh and refresher a stalls past its lock's time to live.
      const master = await set.master();
      set.node(master).freeze();
      await set.waitForPromotion(master, 15_000);
      set.node(master).thaw();
      await new Promise((r) => setTimeout(r, 2_100));

      // The new master counts a lock only once a replica has it: until one has synced, none is taken.
      const lockB = new RedisRefreshLock(b, own, 'refresher-b', true);
      let heldB: Awaited<ReturnType<typeof lockB.acquire>> = null;
      for (const until = Date.now() + 20_000; !heldB && Date.now() < until; ) {
        heldB = await lockB.acquire(10_000).catch(() => null);
        if (!heldB) await new Promise((r) => setTimeout(r, 250));
      }
      if (!heldB) throw new Error('refresher b did not get the lock');
      expect(heldB.fence).toBeGreaterThan(heldA.fence);
      expect(await storeA.switchGeneration(metaFor(heldA.fence, 0), heldA.token)).toBe('fenced');

      const storeB = new RedisStore(b, own);
      await storeB.beginGeneration(heldB.fence, 0);
      await storeB.writeSnapshot(heldB.fence, [entity(1), entity(2)]);
      expect(await storeB.switchGeneration(metaFor(heldB.fence, 0), heldB.token)).toBe('switched');
      expect(await storeB.counts()).toEqual({ entities: 2, teams: 1 });
      await storeB.clear();
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});
