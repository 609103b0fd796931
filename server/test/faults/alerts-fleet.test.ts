import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../test/support/redis-server.js';
import { ALERT_ENV, configureAlerting, POLLER, TEAM, TENANT } from '../integration/alerts/engine-support.js';
import { deduplicated, type Receiver, startReceiver } from '../support/alert-receiver.js';
import { dropSchema, PG_URL, type PodProcess, post, spawnPod, uniqueSchema } from '../support/app.js';
import { uniquePrefix } from '../support/ids.js';

const ENTITIES = 100;
const schema = uniqueSchema('alerts_fleet');
const prefix = uniquePrefix('alerts_fleet');
let redis: TestRedisServer | undefined;
let receiver: Receiver | undefined;
const pods = new Map<string, PodProcess>();

afterAll(async () => {
  for (const p of pods.values()) {
    p.kill('SIGKILL');
    await p.exited;
  }
  await receiver?.close();
  await redis?.close();
  await dropSchema(schema);
});

function podEnv(id: string, redisUrl: string) {
  return {
    DATABASE_URL: PG_URL,
    DATABASE_SCHEMA: schema,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    POD_ID: id,
    LOG_LEVEL: 'warn',
    ...ALERT_ENV,
    ALERT_GROUP_INTERVAL_MS: '200',
  };
}

/** The pod id of the current `alerting` lease holder (it sends), or null while none holds it. */
async function senderHolder(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT holder FROM "${schema}".sla_lease WHERE name = 'alerting' AND expires_at > now()`,
    );
    return rows[0] ? (String(rows[0].holder).split(':')[0] ?? null) : null;
  } finally {
    await client.end();
  }
}

/** Posts one result per entity in `names` to any live pod (the next one when a pod is gone), 10 per request. */
async function ingestAll(names: string[], status: 'Passed' | 'Failed', during?: () => Promise<void>): Promise<void> {
  for (let i = 0; i < names.length; i += 10) {
    if (during && i === names.length / 2) await during();
    const updates = names.slice(i, i + 10).map((entityName) => ({
      tenantName: TENANT,
      teamName: TEAM,
      entityType: 'table',
      entityName,
      currentSla: status === 'Passed' ? 99.9 : 80,
      status,
      observedAt: new Date().toISOString(),
    }));
    for (let attempt = 0; ; attempt++) {
      const pod = [...pods.values()][attempt % pods.size] as PodProcess;
      const res = await post(pod.url, '/api/cache/incremental-updates', { updates }, POLLER).catch(() => null);
      if (res && res.status < 300) break;
      if (attempt > 50) throw new Error(`ingest kept failing: ${res?.status} ${res?.text}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGKILLs the pod holding the sender lease (waiting for one to hold it), then starts it again. */
async function killSender(redisUrl: string): Promise<string> {
  let id: string | null = null;
  for (let i = 0; i < 200 && !(id && pods.has(id)); i++) {
    id = await senderHolder();
    if (!(id && pods.has(id))) await new Promise((r) => setTimeout(r, 100));
  }
  if (!id || !pods.has(id)) throw new Error('no pod holds the sender lease');
  const victim = pods.get(id) as PodProcess;
  victim.kill('SIGKILL');
  await victim.exited;
  pods.delete(id);
  pods.set(id, await spawnPod(podEnv(id, redisUrl), 90_000));
  return id;
}

/** Waits (up to 2 minutes) until the receiver reported `n` state changes after de-duplication. */
async function reported(r: Receiver, n: number): Promise<void> {
  const until = Date.now() + 120_000;
  while (deduplicated(r).length < n && Date.now() < until) await new Promise((res) => setTimeout(res, 250));
}

describe('alerting across three pods with the sender killed twice and Redis stopped once', () => {
  it('reports every one of 200 state changes exactly once, resolves after fires, in order per fingerprint', async () => {
    redis = await startRedisServer();
    receiver = await startReceiver();
    const { url } = receiver;
    const redisUrl = redis.url;
    const ids = ['alerts-a', 'alerts-b', 'alerts-c'];
    const started = await Promise.all(ids.map((id) => spawnPod(podEnv(id, redisUrl), 90_000)));
    for (const [i, p] of started.entries()) pods.set(ids[i] as string, p);
    const names = Array.from({ length: ENTITIES }, (_, i) => `fleet_table_${i}`);
    // The rule goes in through one pod's API once its tenant exists; the lease holder (maybe
    // another pod) reads it within ALERT_CONFIG_REFRESH_SECONDS (1 s here).
    await ingestAll(names.slice(0, 10), 'Passed');
    await configureAlerting((started[0] as PodProcess).url, url, [
      { name: 'failed now', kind: 'status', status: { to: 'Failed', forMinutes: 0 } },
    ]);
    await new Promise((r) => setTimeout(r, 2_000));
    const killed: string[] = [];
    await ingestAll(names, 'Failed', async () => void killed.push(await killSender(redisUrl)));
    // Every Failed state must have been evaluated before it clears (an evaluator failing over takes
    // up to the lease ttl, and a state that comes and goes meanwhile is never a state change).
    await reported(receiver, ENTITIES);
    await redis.stop();
    await ingestAll(names, 'Passed', async () => void killed.push(await killSender(redisUrl)));
    await redis.start();
    await reported(receiver, 2 * ENTITIES);
    await new Promise((r) => setTimeout(r, 2_000)); // anything late or duplicated would show now
    const changes = deduplicated(receiver);
    console.log(
      `killed sender pods ${killed.join(', ')}; ${receiver.received.length} messages, ${changes.length} changes after de-duplication`,
    );
    expect(killed).toHaveLength(2);
    expect(changes).toHaveLength(2 * ENTITIES);
    const byFingerprint = new Map<string, string[]>();
    for (const c of changes)
      byFingerprint.set(c.fingerprint, [...(byFingerprint.get(c.fingerprint) ?? []), `${c.state}#${c.sequence}`]);
    expect(byFingerprint.size).toBe(ENTITIES);
    for (const seen of byFingerprint.values()) expect(seen).toEqual(['firing#1', 'resolved#2']);
  }, 400_000);
});
