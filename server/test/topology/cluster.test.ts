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
      expect(noticedMs).toBeLessThan(4_000);
    } finally {
      cluster.node(deaf).thaw();
    }
  });
});
