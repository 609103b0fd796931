import type { FleetPod } from '@sla/shared';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../test/support/redis-server.js';
import { startTcpProxy } from '../../../test/support/tcp-proxy.js';
import { fleetKeys } from '../../src/cache/redis/keys.js';
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
import { uniquePrefix } from '../support/ids.js';
import { PG_PORT, proxiedUrl } from './pg-fault.js';
import { steadyWrites } from './workload.js';

/** Heartbeats every 400 ms: a pod is listed until 1.2 s after its last one. */
const INTERVAL_MS = 400;
const TTL_MS = 3 * INTERVAL_MS;

const podsOf = async (pod: PodProcess, headers: Record<string, string> = {}): Promise<FleetPod[]> =>
  (await getJson(pod.url, '/api/cache/status', headers)).json.pods as FleetPod[];
const ids = (pods: FleetPod[]) => pods.map((p) => p.podId);

describe('the fleet in view', () => {
  let redis: TestRedisServer;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await redis?.close();
  });

  /** A spawned pod, stopped (SIGKILL) after the test should it still run. */
  const spawn = async (env: Record<string, string>) => {
    const pod = await spawnPod({ HEARTBEAT_INTERVAL_MS: String(INTERVAL_MS), ...env });
    cleanups.push(async () => {
      pod.kill('SIGKILL');
      await pod.exited;
    });
    return pod;
  };

  it('redis mode: three pods listed; a SIGKILLed one leaves within the TTL; a pod cut from every change feed shows lag and recovers', async () => {
    const schema = uniqueSchema('fleet');
    cleanups.push(() => dropSchema(schema));
    const prefix = uniquePrefix('fleet');
    const admin = new Redis(redis.url);
    cleanups.push(() => admin.disconnect());
    // The pod whose subscriber is cut connects as its own user, so a channel ACL can keep it unsubscribed.
    await admin.call('ACL', 'SETUSER', 'lagger', 'on', '>lagpw', '~*', '&*', '+@all');
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix };
    const a = await spawn({ ...env, POD_ID: 'fleet-a', READ_TOKEN: 'read-secret' });
    const b = await spawn({ ...env, POD_ID: 'fleet-b' });
    // c reaches PostgreSQL through a proxy the test can close (its LISTEN connection and log reads).
    const pgProxy = await startTcpProxy(PG_PORT);
    cleanups.push(() => pgProxy.close());
    const c = await spawn({
      ...env,
      DATABASE_URL: proxiedUrl(pgProxy.port),
      POD_ID: 'fleet-c',
      REDIS_URL: redis.url.replace('redis://', 'redis://lagger:lagpw@'),
    });
    const auth = { authorization: 'Bearer read-secret' };

    // Behind READ_TOKEN like every read; with it, all three pods, in redis mode, with their versions and start times.
    expect((await getJson(a.url, '/api/cache/status')).status).toBe(401);
    await eventually(async () => ids(await podsOf(a, auth)).join() === 'fleet-a,fleet-b,fleet-c', 10_000, 'three pods');
    await eventually(async () => ids(await podsOf(b)).join() === 'fleet-a,fleet-b,fleet-c', 10_000, 'three pods on b');
    const listed = await podsOf(a, auth);
    for (const p of listed) {
      expect(p.mode).toBe('redis');
      expect(p.version.length).toBeGreaterThan(0);
      expect(Date.parse(p.startedAt)).toBeLessThanOrEqual(Date.parse(p.lastSeenAt));
      expect(Date.now() - Date.parse(p.lastSeenAt)).toBeLessThan(TTL_MS + 1_000);
    }
    const keys = fleetKeys(prefix);
    expect((await admin.smembers(keys.pods)).sort()).toEqual(['fleet-a', 'fleet-b', 'fleet-c']);
    const ttl = await admin.pttl(keys.pod('fleet-b'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(TTL_MS);

    // c is cut from every feed of changes while a writes: its subscriber is killed and kept
    // out (no channel access), the Redis change tail is closed to it (its generation and
    // heartbeat keys stay open), and PostgreSQL refuses it (no LISTEN, no log reads). A
    // subscriber cut alone no longer makes a pod lag: NOTIFY and the tail catch it up.
    await admin.call(
      'ACL',
      'SETUSER',
      'lagger',
      'resetchannels',
      'resetkeys',
      `~${prefix}{cache}*`,
      `~${prefix}{b*`,
      `~${prefix}{fleet}*`,
    );
    pgProxy.pause();
    const subOf = async (name: string) =>
      String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'))
        .split('\n')
        .find((l) => l.includes(`name=${name}`));
    const killSub = async (name: string) => {
      const line = await subOf(name);
      const id = line ? /\bid=(\d+)/.exec(line)?.[1] : undefined;
      if (id) await admin.client('KILL', 'ID', id);
    };
    await killSub('fleet-c:sub');
    await eventually(async () => (await subOf('fleet-c:sub')) === undefined, 5_000, "c's subscriber gone");
    const maxLag = { 'fleet-b': 0, 'fleet-c': 0 };
    const writes = steadyWrites(a.url, 'Fleet', { entities: 50 });
    try {
      const until = Date.now() + 5_000;
      while (Date.now() < until) {
        for (const p of await podsOf(a, auth))
          if (p.podId === 'fleet-b' || p.podId === 'fleet-c') maxLag[p.podId] = Math.max(maxLag[p.podId], p.lag);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await writes.stop();
    }
    // c falls behind by all a writes meanwhile; b hears every run as it is published.
    expect(maxLag['fleet-c']).toBeGreaterThan(2);
    expect(maxLag['fleet-c']).toBeGreaterThan(maxLag['fleet-b']);
    expect(await subOf('fleet-c:sub')).toBeUndefined();

    // Feeds open again and the (unsubscribed) connection reset: c resubscribes, catches up and shows no lag.
    await admin.call('ACL', 'SETUSER', 'lagger', 'allchannels', 'allkeys');
    pgProxy.resume();
    await admin.client('KILL', 'USER', 'lagger');
    await eventually(async () => (await subOf('fleet-c:sub')) !== undefined, 10_000, "c's subscriber back");
    const head = Number((await getJson(a.url, '/api/cache/status', auth)).json.lastChangeId);
    await eventually(
      async () => (await podsOf(a, auth)).every((p) => p.lag === 0 && p.lastChangeId === head),
      5_000,
      'every pod at the head, no lag',
    );

    // b dies without a word: every pod stops listing it within the TTL (and one beat of the lister).
    b.kill('SIGKILL');
    const killedAt = Date.now();
    await b.exited;
    await eventually(async () => !ids(await podsOf(a, auth)).includes('fleet-b'), TTL_MS + 3 * INTERVAL_MS, 'b gone');
    const goneAfter = Date.now() - killedAt;
    expect(goneAfter).toBeLessThanOrEqual(TTL_MS + 2 * INTERVAL_MS + 500);
    expect(ids(await podsOf(c))).toEqual(['fleet-a', 'fleet-c']);
    expect(await admin.get(keys.pod('fleet-b'))).toBeNull();
    // The next listing prunes the id whose key expired.
    await eventually(
      async () => (await admin.smembers(keys.pods)).sort().join() === 'fleet-a,fleet-c',
      2 * INTERVAL_MS,
      'the id set pruned',
    );
    // The gauges say the same (set at the pod's next beat).
    let metrics = '';
    await eventually(
      async () => {
        metrics = await (await fetch(`${a.url}/metrics`)).text();
        return /^sla_fleet_pods\{mode="redis"\} 2$/m.test(metrics);
      },
      3 * INTERVAL_MS,
      'the fleet gauge at 2',
    ).catch(() => undefined);
    expect(metrics).toMatch(/^sla_fleet_pods\{mode="redis"\} 2$/m);
    expect(metrics).toMatch(/^sla_fleet_max_lag_changes 0$/m);
  }, 120_000);

  it('memory mode (no Redis): the fleet is listed from PostgreSQL rows; a SIGKILLed pod leaves within the TTL, a stopped one at once', async () => {
    const schema = uniqueSchema('fleetmem');
    cleanups.push(() => dropSchema(schema));
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema };
    const a = await spawn({ ...env, POD_ID: 'mem-a' });
    const b = await spawn({ ...env, POD_ID: 'mem-b' });
    const c = await spawn({ ...env, POD_ID: 'mem-c' });
    await eventually(async () => ids(await podsOf(a)).join() === 'mem-a,mem-b,mem-c', 10_000, 'three pods');
    expect((await podsOf(a)).every((p) => p.mode === 'memory')).toBe(true);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    cleanups.push(() => client.end());
    const rows = await client.query(`SELECT pod FROM "${schema}".sla_pod_heartbeat ORDER BY pod`);
    expect(rows.rows.map((r) => r.pod)).toEqual(['mem-a', 'mem-b', 'mem-c']);

    // A write on a reaches b through the log; b's heartbeat carries the new head.
    expect(
      (
        await post(a.url, '/api/cache/incremental-update', {
          tenantName: 'M',
          teamName: 'T',
          entityType: 'job',
          entityName: 'j',
          currentSla: 1,
          status: 'Passed',
        })
      ).status,
    ).toBe(200);
    await eventually(
      async () => (await podsOf(a)).every((p) => p.lastChangeId === 1 && p.lag === 0),
      5_000,
      'head 1 everywhere',
    );

    b.kill('SIGKILL');
    const killedAt = Date.now();
    await b.exited;
    await eventually(async () => ids(await podsOf(a)).join() === 'mem-a,mem-c', TTL_MS + 3 * INTERVAL_MS, 'b gone');
    expect(Date.now() - killedAt).toBeLessThanOrEqual(TTL_MS + 2 * INTERVAL_MS + 500);

    // SIGTERM: the pod deletes its row on the way out.
    c.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    const left = await client.query(`SELECT pod FROM "${schema}".sla_pod_heartbeat WHERE pod = 'mem-c'`);
    expect(left.rowCount).toBe(0);
    await eventually(async () => ids(await podsOf(a)).join() === 'mem-a', 3 * INTERVAL_MS, 'c gone');
  }, 120_000);
});
