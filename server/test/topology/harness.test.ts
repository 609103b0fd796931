import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLUSTER_SLOTS } from '../../../test/support/cluster-view.js';
import { startRedisCluster, type TestRedisCluster } from '../../../test/support/redis-cluster.js';
import { startRedisSentinel, type TestRedisSentinel } from '../../../test/support/redis-sentinel.js';
import { redisCommand } from '../../../test/support/resp.js';

// The topology harness itself: the product's cluster and sentinel tests rely on it to start
// real topologies and to fault them the way production faults happen. One topology at a time.
const PASSWORD = 'harness-secret';
// cluster-node-timeout / down-after 1 s, then an election: about 3 s here. The bound leaves
// room for a loaded two-core machine.
const FAILOVER_BOUND_MS = 10_000;

describe('startRedisCluster', () => {
  let cluster: TestRedisCluster;
  let client: Cluster;
  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000, password: PASSWORD });
    client = new Cluster(cluster.startupNodes, { redisOptions: { password: PASSWORD } });
  });
  afterAll(async () => {
    client?.disconnect();
    await cluster?.close();
  });
  // Each fault starts from a settled cluster: after a failover the old master's link to its
  // new master takes a moment, and until then that shard has no replica to fail over to.
  beforeEach(async () => {
    await cluster.waitForOk(20_000);
  });

  it('forms 3 masters, each with a replica, covering all 16384 slots', async () => {
    const masters = await cluster.masters();
    expect(masters).toHaveLength(3);
    const covered = masters.flatMap((m) => m.slots).reduce((sum, [from, to]) => sum + to - from + 1, 0);
    expect(covered).toBe(CLUSTER_SLOTS);
    const roles = await Promise.all(cluster.nodes.map((n) => n.role()));
    expect(roles.filter((r) => r === 'master')).toHaveLength(3);
    const replicas = await Promise.all(masters.map((m) => cluster.replicaOf(m.port)));
    expect(new Set(replicas).size).toBe(3);
    for (const port of replicas) expect(await cluster.node(port).role()).toBe('replica');
  });

  it('migrates a slot while keys are written to it, and the ioredis Cluster client still reads them all', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `{harness-mig}:${i}`);
    await Promise.all(keys.map((k) => client.set(k, `v-${k}`)));
    const slot = await cluster.slotOf(keys[0] ?? '');
    const from = await cluster.masterOfSlot(slot);
    const to = (await cluster.masters()).find((m) => m.port !== from)?.port ?? 0;
    const during = Array.from({ length: 20 }, (_, i) => `{harness-mig}:during-${i}`);
    const split: number[] = [];
    await cluster.migrateSlot(slot, to, {
      whileMigrating: async () => {
        for (const port of [from, to]) {
          split.push(Number(await redisCommand(port, ['CLUSTER', 'COUNTKEYSINSLOT', slot], { password: PASSWORD })));
        }
        // New keys go to the target (ASK); keys still on the source are updated there.
        await Promise.all([...during, keys[59] ?? ''].map((k) => client.set(k, `v-${k}`)));
      },
    });
    expect(split[0]).toBeGreaterThan(0);
    expect(split[1]).toBeGreaterThan(0);
    expect(await cluster.masterOfSlot(slot)).toBe(to);
    const count = await redisCommand(to, ['CLUSTER', 'COUNTKEYSINSLOT', slot], { password: PASSWORD });
    expect(count).toBe(keys.length + during.length);
    const all = [...keys, ...during];
    expect(await Promise.all(all.map((k) => client.get(k)))).toEqual(all.map((k) => `v-${k}`));
  });

  it('a graceful CLUSTER FAILOVER swaps the roles of a master and its replica', async () => {
    const [master] = await cluster.masters();
    if (!master) throw new Error('no master');
    const replica = await cluster.replicaOf(master.port);
    await cluster.failover(replica);
    expect(await cluster.node(replica).role()).toBe('master');
    expect(await cluster.masterOfSlot(master.slots[0]?.[0] ?? 0)).toBe(replica);
    await cluster.waitForOk();
    expect(await cluster.node(master.port).role()).toBe('replica');
  });

  it('replaces a master frozen with SIGSTOP within the bound; thawed, it rejoins as a replica', async () => {
    const [, master] = await cluster.masters();
    if (!master) throw new Error('no master');
    const frozen = cluster.node(master.port);
    const started = Date.now();
    frozen.freeze();
    const promoted = await cluster.waitForFailoverOf(frozen.port, FAILOVER_BOUND_MS);
    expect(Date.now() - started).toBeLessThan(FAILOVER_BOUND_MS);
    expect(await cluster.masterOfSlot(master.slots[0]?.[0] ?? 0)).toBe(promoted);
    frozen.thaw();
    await cluster.waitForOk();
    expect(await frozen.role()).toBe('replica');
    expect(await cluster.masters()).toHaveLength(3);
  });

  it('replaces a killed master; restarted on its port, it rejoins as a replica with its node id', async () => {
    const [, , master] = await cluster.masters();
    if (!master) throw new Error('no master');
    const killed = cluster.node(master.port);
    await killed.kill();
    const promoted = await cluster.waitForFailoverOf(killed.port, FAILOVER_BOUND_MS);
    await killed.restart();
    await cluster.waitForOk();
    expect(await killed.role()).toBe('replica');
    expect(await cluster.replicaOf(promoted)).toBe(killed.port);
    expect(String(await redisCommand(killed.port, ['CLUSTER', 'MYID'], { password: PASSWORD }))).toBe(master.id);
  });
});

describe('startRedisSentinel', () => {
  let sentinel: TestRedisSentinel;
  beforeAll(async () => {
    sentinel = await startRedisSentinel({
      replicas: 2,
      sentinels: 3,
      masterName: 'mymaster',
      downAfterMs: 1000,
      failoverTimeoutMs: 3000,
      password: PASSWORD,
    });
  });
  afterAll(async () => {
    await sentinel?.close();
  });

  it('starts a master and two replicas that every sentinel reports', async () => {
    const [first, ...replicas] = sentinel.nodes;
    expect(await sentinel.master()).toBe(first?.port);
    expect(await first?.role()).toBe('master');
    for (const r of replicas) expect(await r.role()).toBe('replica');
    expect(sentinel.sentinels).toHaveLength(3);
  });

  it('serves an ioredis client that finds the master through the sentinels', async () => {
    const client = new Redis({ sentinels: sentinel.sentinels, name: sentinel.masterName, password: PASSWORD });
    try {
      await client.set('harness:sentinel', 'through-sentinel');
      const master = await sentinel.master();
      expect(await redisCommand(master, ['GET', 'harness:sentinel'], { password: PASSWORD })).toBe('through-sentinel');
    } finally {
      client.disconnect();
    }
  });

  it('promotes a replica of a frozen master within the bound; thawed, the old master is demoted', async () => {
    const old = sentinel.node(await sentinel.master());
    const started = Date.now();
    old.freeze();
    const promoted = await sentinel.waitForPromotion(old.port, FAILOVER_BOUND_MS);
    expect(Date.now() - started).toBeLessThan(FAILOVER_BOUND_MS);
    expect(promoted).not.toBe(old.port);
    expect(await sentinel.master()).toBe(promoted);
    old.thaw();
    // Sentinel converts a returning old master only after a few of its announce periods (~10 s).
    await sentinel.waitForRole(old.port, 'replica', 25_000);
    expect(await sentinel.master()).toBe(promoted);
  });
});
