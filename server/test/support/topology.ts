import { Cluster, Redis } from 'ioredis';
import { expect } from 'vitest';
import { RedisStore } from '../../src/cache/redis/store.js';
import { eventually, post } from './app.js';
import { currentGeneration, type EntityFacts, pgEntities, sorted } from './consistency.js';

/** Every entity of the current generation, read through any ioredis client (single, Sentinel master, Cluster). */
export async function entitiesVia(client: Redis | Cluster, prefix: string): Promise<Map<number, EntityFacts>> {
  const all = await currentGeneration(client, prefix);
  return new Map(all.map((e) => [e.id, { version: e.version, currentSla: e.currentSla, status: e.status }]));
}

/**
 * A one-off connection to one node for a check: gives up at once on a dead node (no
 * reconnects) and after 1 s on a frozen one, so a check never hangs a test.
 */
export async function probeNode<T>(port: number, fn: (node: Redis) => Promise<T>, password?: string): Promise<T> {
  const node = new Redis({
    port,
    host: '127.0.0.1',
    ...(password ? { password } : {}),
    lazyConnect: true,
    connectTimeout: 1000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  node.on('error', () => undefined);
  try {
    await node.connect();
    return await fn(node);
  } finally {
    node.disconnect();
  }
}

/** A Cluster client for checks, reading from masters. */
export async function clusterClient(nodes: { host: string; port: number }[]): Promise<Cluster> {
  // A command timeout, so a read routed to a frozen master (before the slots are refreshed)
  // fails and is retried by the caller instead of hanging the test.
  const c = new Cluster(nodes, {
    scaleReads: 'master',
    maxRedirections: 32,
    retryDelayOnTryAgain: 100,
    slotsRefreshInterval: 1000,
    redisOptions: { commandTimeout: 1000, connectTimeout: 1000, maxRetriesPerRequest: 0 },
  });
  c.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    c.once('ready', resolve);
    c.once('error', reject);
  });
  return c;
}

/** `host:port,…` of nodes, for REDIS_CLUSTER_NODES or REDIS_SENTINELS. */
export const hostPorts = (nodes: { host: string; port: number }[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');

/** Posts `count` entities of `tenant` in batches of 500 (the batch endpoint). */
export async function seedEntities(url: string, tenant: string, count: number): Promise<void> {
  for (let from = 0; from < count; from += 500) {
    const updates = Array.from({ length: Math.min(500, count - from) }, (_, i) => ({
      tenantName: tenant,
      teamName: `team-${(from + i) % 7}`,
      entityType: 'table',
      entityName: `seed_${from + i}`,
      currentSla: 99,
      status: 'Passed',
    }));
    const r = await post(url, '/api/cache/incremental-updates', { updates });
    expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(200);
  }
}

/**
 * Waits until Redis (through `client`) equals PostgreSQL, entity by entity (version, SLA,
 * status); fails naming how many differ.
 */
export async function expectRedisEqualsPostgres(
  client: Redis | Cluster,
  prefix: string,
  schema: string,
  ms = 10_000,
): Promise<void> {
  let diff = '';
  try {
    await eventually(
      async () => {
        const [inRedis, truth] = await Promise.all([entitiesVia(client, prefix), pgEntities(schema)]);
        const a = JSON.stringify(sorted(inRedis));
        const b = JSON.stringify(sorted(truth));
        diff = `redis ${inRedis.size} entities, postgres ${truth.size}`;
        return a === b && truth.size > 0;
      },
      ms,
      'redis = postgres',
    );
  } catch (err) {
    throw new Error(`${(err as Error).message} (${diff})`);
  }
}

/**
 * How long, from now, until a write through `url` reaches Redis: posts a new SLA for one
 * probe entity every 100 ms and reads it back through `client`. Rejects after `ms`.
 */
export async function msUntilWritesReachRedis(
  url: string,
  client: Redis | Cluster,
  prefix: string,
  ms = 10_000,
): Promise<number> {
  const store = new RedisStore(client, prefix);
  const started = Date.now();
  for (let i = 0; Date.now() - started < ms; i++) {
    const sla = 50 + (i % 50) + Math.random() / 10;
    const r = await post(url, '/api/cache/incremental-update', {
      tenantName: 'Probe',
      teamName: 'probe',
      entityType: 'job',
      entityName: 'probe',
      currentSla: sla,
      status: 'Passed',
    }).catch(() => ({ status: 0, json: {} }));
    if (r.status === 200) {
      const id = Number((r.json as { entity: { id: number } }).entity.id);
      const seen = await store.getEntity(id).catch(() => null);
      if (seen && Math.abs(seen.currentSla - sla) < 1e-9) return Date.now() - started;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no write reached Redis within ${ms} ms`);
}
