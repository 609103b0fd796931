import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type TestRedisCluster } from '../../../test/support/redis-cluster.js';
import { prefixPattern } from '../../src/cache/redis/keys.js';
import { runWorkload } from '../faults/workload.js';
import {
  dropSchema,
  eventually,
  getJson,
  PG_URL,
  type PodProcess,
  post,
  spawnPod,
  uniqueSchema,
} from '../support/app.js';
import { pgChangeIds, pgEntities, podEntitiesOver, sorted } from '../support/consistency.js';
import { uniquePrefix } from '../support/ids.js';
import {
  clusterClient,
  expectRedisEqualsPostgres,
  hostPorts,
  msUntilWritesReachRedis,
  probeNode,
  seedEntities,
} from '../support/topology.js';

/** Keys under `prefix` on one node (SCAN sees only its own). */
function keysOn(port: number, prefix: string): Promise<string[]> {
  return probeNode(port, async (node) => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', prefixPattern(prefix), 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  });
}

/** Logs a step with the seconds since `t0`, so a slow or stuck run shows where it was. */
const stepper =
  (t0 = Date.now()) =>
  (what: string) =>
    console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);

describe('the product on a 3-master / 3-replica Redis Cluster', () => {
  const schema = uniqueSchema('cluster');
  const prefix = uniquePrefix('cluster');
  let cluster: TestRedisCluster;
  let check: Cluster;
  let pods: PodProcess[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000 });
    check = await clusterClient(cluster.startupNodes);
    const env = {
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: schema,
      // Two seed nodes: the rest are discovered.
      REDIS_CLUSTER_NODES: hostPorts(cluster.startupNodes.slice(0, 2)),
      REDIS_KEY_PREFIX: prefix,
      HEARTBEAT_INTERVAL_MS: '500',
      LOG_LEVEL: 'warn',
    };
    pods = await Promise.all([spawnPod({ ...env, POD_ID: 'cl-a' }), spawnPod({ ...env, POD_ID: 'cl-b' })]);
  }, 120_000);

  afterAll(async () => {
    for (const p of pods) p.kill('SIGKILL');
    check?.disconnect();
    await cluster?.close();
    await dropSchema(schema);
  });

  it('ingests and refreshes with the entity buckets spread over every master, and Redis equals PostgreSQL', async () => {
    const [a, b] = pods as [PodProcess, PodProcess];
    await seedEntities(a.url, 'Cluster Tenant', 6_400);
    const refreshed = await post(b.url, '/api/cache/refresh', {});
    expect(refreshed.status, JSON.stringify(refreshed.json)).toBe(200);
    expect(refreshed.json).toMatchObject({ started: true, entityCount: 6_400 });
    await expectRedisEqualsPostgres(check, prefix, schema);

    const masters = await cluster.masters();
    expect(masters).toHaveLength(3);
    const buckets = await Promise.all(
      masters.map(async (m) => (await keysOn(m.port, prefix)).filter((k) => k.startsWith(`${prefix}{b`)).length),
    );
    const mean = buckets.reduce((s, n) => s + n, 0) / buckets.length;
    for (const n of buckets) {
      expect(n, `buckets per master ${buckets.join(', ')}`).toBeGreaterThan(0);
      expect(n, `buckets per master ${buckets.join(', ')}`).toBeLessThanOrEqual(2 * mean);
    }
    const status = await getJson(a.url, '/api/cache/status');
    expect(status.json).toMatchObject({ mode: 'redis', entityCount: 6_400 });
    // Every Redis write went through: none refused by the cluster client (a pipeline mixing
    // slots fails whole), none left to the log replay.
    for (const pod of pods) expect(pod.stdout()).not.toMatch(/slots allocation group|write-through failed|tail failed/);
  });

  it('loses no acknowledged write through a graceful failover, a frozen master, a killed master and a slot migration', async () => {
    const load = runWorkload(pods, { tenant: 'Fault Tenant', writersPerPod: 2 });
    const recovery: Record<string, number> = {};
    const step = stepper();
    try {
      await new Promise((r) => setTimeout(r, 1_000));

      // Graceful CLUSTER FAILOVER of the shard holding the coordination keys ({cache}).
      const cacheSlot = await cluster.slotOf(`${prefix}{cache}:gen`);
      const first = await cluster.masterOfSlot(cacheSlot);
      await cluster.failover(await cluster.replicaOf(first));
      step('graceful failover done');
      recovery.gracefulFailover = await msUntilWritesReachRedis(pods[0]?.url ?? '', check, prefix);
      // The old master must have re-attached as a replica before its shard can fail over again.
      await cluster.waitForOk(20_000);

      // A master frozen (SIGSTOP): its replica takes over after cluster-node-timeout.
      const frozen = (await cluster.masters()).find((m) => m.port !== first)?.port ?? 0;
      cluster.node(frozen).freeze();
      await cluster.waitForFailoverOf(frozen);
      step('frozen master replaced');
      recovery.frozenMaster = await msUntilWritesReachRedis(pods[1]?.url ?? '', check, prefix);
      cluster.node(frozen).thaw();
      await cluster.waitForOk(20_000);
      step('thawed, cluster ok');

      // A master killed.
      const killed = (await cluster.masters()).find((m) => m.port !== frozen)?.port ?? 0;
      await cluster.node(killed).kill();
      await cluster.waitForFailoverOf(killed);
      step('killed master replaced');
      recovery.killedMaster = await msUntilWritesReachRedis(pods[0]?.url ?? '', check, prefix);
      await cluster.node(killed).restart();
      await cluster.waitForOk(20_000);
      step('restarted, cluster ok');

      // A slot holding entity buckets moved to another master while both pods write.
      const bucketKey = (await keysOn((await cluster.masters())[0]?.port ?? 0, prefix)).find((k) =>
        k.startsWith(`${prefix}{b`),
      );
      expect(bucketKey).toBeDefined();
      const slot = await cluster.slotOf(bucketKey ?? '');
      const owner = await cluster.masterOfSlot(slot);
      const target = (await cluster.masters()).find((m) => m.port !== owner)?.port ?? 0;
      await cluster.migrateSlot(slot, target, {
        whileMigrating: () => new Promise((r) => setTimeout(r, 1_500)),
      });
      expect(await cluster.masterOfSlot(slot)).toBe(target);
      step('slot migrated');
    } finally {
      await load.stop();
    }

    expect(load.failedReads).toEqual([]);
    expect(load.failedWrites).toEqual([]);
    expect(load.slowest.ms, `slowest request: ${load.slowest.what}`).toBeLessThan(2_000);
    for (const [fault, ms] of Object.entries(recovery)) expect(ms, fault).toBeLessThan(5_000);
    const ids = new Set(await pgChangeIds(schema));
    expect(load.accepted.length).toBeGreaterThan(50);
    expect(load.accepted.filter((id) => !ids.has(id))).toEqual([]);
    await expectRedisEqualsPostgres(check, prefix, schema, 15_000);
    console.log(`cluster recovery (ms): ${JSON.stringify(recovery)}`);
  });

  it('reconnects a subscriber whose node froze within the heartbeat bound, and the pod keeps up', async () => {
    const [a, b] = pods as [PodProcess, PodProcess];
    await cluster.waitForOk(20_000);
    const subscriberNode = async (except = 0): Promise<number> => {
      for (const n of cluster.nodes) {
        if (n.port === except) continue;
        const list = await probeNode(n.port, (node) => node.client('LIST')).catch(() => '');
        // ioredis names a cluster's subscriber connection `ioredis-cluster(subscriber):<name>`
        // (its pool's command connections, on every node, carry the bare name).
        if (/name=ioredis-cluster\(subscriber\):cl-a:sub\b/.test(String(list))) return n.port;
      }
      return 0;
    };
    const deaf = await subscriberNode();
    expect(deaf).toBeGreaterThan(0);
    cluster.node(deaf).freeze();
    const frozenAt = Date.now();
    try {
      // Heartbeats every 500 ms, bound 2 intervals: the pod must hear its own messages again within seconds.
      await eventually(
        async () => (await subscriberNode(deaf)) > 0,
        8_000,
        'the subscriber reconnected to another node',
      );
      const noticedMs = Date.now() - frozenAt;
      const r = await post(b.url, '/api/cache/incremental-update', {
        tenantName: 'Deaf Tenant',
        teamName: 't',
        entityType: 'job',
        entityName: 'after-freeze',
        currentSla: 42,
        status: 'Failed',
      });
      expect(r.status).toBe(200);
      await eventually(
        async () =>
          JSON.stringify(
            (await getJson(a.url, '/trpc/entities.list?input=%7B%22tenantName%22%3A%22Deaf%20Tenant%22%7D')).json,
          ).includes('after-freeze'),
        5_000,
        'pod a has the change',
      );
      // The pod's view equals PostgreSQL for what was written while its subscriber was away.
      for (const tenant of ['Fault Tenant', 'Deaf Tenant'])
        await eventually(
          async () =>
            JSON.stringify(sorted(await podEntitiesOver(a.url, tenant))) ===
            JSON.stringify(sorted(await pgEntities(schema, PG_URL, tenant))),
          5_000,
          `pod a's view of ${tenant} = postgres`,
        );
      console.log(`subscriber on a frozen node reconnected after ${noticedMs} ms`);
      // 2 intervals of silence, then a reconnect to a node ioredis picks at random, which may be
      // the frozen one again (then another 2 intervals). Without the watchdog: 6.9 s when the
      // frozen node was a master (its failover ends it), never when it was a replica.
      expect(noticedMs).toBeLessThan(6_000);
    } finally {
      cluster.node(deaf).thaw();
    }
  });

  it('leaves redis mode when a shard refuses writes (no replica under min-replicas-to-write) and returns once it takes them', async () => {
    const [a, b] = pods as [PodProcess, PodProcess];
    await cluster.waitForOk(20_000);
    for (const n of cluster.nodes)
      await probeNode(n.port, (node) => node.config('SET', 'min-replicas-to-write', '1')).catch(() => undefined);
    const step = stepper();
    try {
      // A master that does not hold the coordination keys: killed, its replica is promoted
      // with no replica of its own, so that shard answers NOREPLICAS while the node answers pings.
      const cacheMaster = await cluster.masterOfSlot(await cluster.slotOf(`${prefix}{cache}:gen`));
      const victim = (await cluster.masters()).find((m) => m.port !== cacheMaster)?.port ?? 0;
      await cluster.node(victim).kill();
      await cluster.waitForFailoverOf(victim);
      step('shard without a replica');
      const write = async (i: number) => {
        const r = await post(a.url, '/api/cache/incremental-update', {
          tenantName: 'Cluster Tenant',
          teamName: `team-${i % 7}`,
          entityType: 'table',
          entityName: `seed_${i}`,
          currentSla: 50 + (i % 40),
          status: 'AtRisk',
        });
        expect(r.status).toBe(200);
      };
      for (let i = 0; i < 6_400; i += 64) await write(i);
      await eventually(
        async () => (await getJson(a.url, '/api/cache/status')).json.mode === 'memory',
        15_000,
        'pod a in memory mode',
      );
      step('pod a left redis mode');
      const health = await getJson(a.url, '/api/health');
      expect(JSON.stringify(health.json)).toMatch(/degraded|memory/);
      const refreshed = await post(b.url, '/api/cache/refresh', {});
      expect([200, 503]).toContain(refreshed.status);
      if (refreshed.status === 503) expect(JSON.stringify(refreshed.json)).toMatch(/Redis/);
      for (let i = 1; i < 6_400; i += 64) await write(i);

      await cluster.node(victim).restart();
      await cluster.waitForOk(30_000);
      step('shard has a replica again');
      for (const pod of pods)
        await eventually(
          async () => (await getJson(pod.url, '/api/cache/status')).json.mode === 'redis',
          20_000,
          'back in redis mode',
        );
      step('both pods back in redis mode');
      await expectRedisEqualsPostgres(check, prefix, schema, 15_000);
    } finally {
      for (const n of cluster.nodes)
        await probeNode(n.port, (node) => node.config('SET', 'min-replicas-to-write', '0')).catch(() => undefined);
    }
  });
});
