import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../../../test/support/tcp-proxy.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, eventually, startPod, uniqueSchema } from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';
import { bearer, INGEST_TOKENS, oneOff, REDIS_URL, request, seedByIngest, startPolicyPod, TOKENS } from './fixture.js';

const PG_PORT = Number(
  new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test').port || 5432,
);
const root = bearer(TOKENS.root);

describe('the PolicyStore of every pod follows a write on any pod', () => {
  const schema = uniqueSchema('policy_pods');
  const prefix = uniquePrefix('policy_pods');
  const pods: App[] = [];
  let proxy: TcpProxy | null = null;
  beforeAll(async () => {
    const env = { REDIS_KEY_PREFIX: prefix };
    pods.push(await startPolicyPod(schema, { ...env, POD_ID: 'policy-a' }));
    pods.push(await startPod({ schema, INGEST_TOKENS, REDIS_URL, ...env, POD_ID: 'policy-b' }));
    for (const pod of pods)
      await eventually(async () => (await pod.deps.cache.status()).mode === 'redis', 20_000, 'redis mode');
  });
  afterAll(async () => {
    for (const pod of pods.reverse()) await pod.close();
    await proxy?.close();
    await dropSchema(schema);
  });

  it('a window created, changed and deleted on pod A is seen by pod B within 1 s', async () => {
    const [a, b] = pods as [App, App];
    const versionBefore = b.deps.policy.version;
    let started = Date.now();
    const created = await request(a.url, 'POST', '/api/windows', oneOff(), root);
    expect(created.status, created.text).toBe(200);
    const id = created.json.id as number;
    await eventually(() => b.deps.policy.windows().some((w) => w.id === id), 1_000, 'pod B sees the window');
    const seenMs = Date.now() - started;
    expect(b.deps.policy.version).toBeGreaterThan(versionBefore);
    // Pod B answers it as pod A does.
    const onB = await request(b.url, 'GET', '/api/windows?tenantName=Data%20Engineering&includeEnded=true');
    expect(onB.json.items).toContainEqual(created.json);

    started = Date.now();
    await request(a.url, 'PATCH', `/api/windows/${id}`, { reason: 'moved' }, root);
    await eventually(() => b.deps.policy.windows().find((w) => w.id === id)?.reason === 'moved', 1_000, 'the change');
    await request(a.url, 'DELETE', `/api/windows/${id}`, undefined, root);
    await eventually(() => !b.deps.policy.windows().some((w) => w.id === id), 1_000, 'the deletion');
    console.log(`policy propagation: window on pod B ${seenMs} ms after the create request was sent to pod A`);
  });

  it('settings set on pod A are pod B’s effective settings within 1 s', async () => {
    const [a, b] = pods as [App, App];
    const r = await request(
      a.url,
      'POST',
      '/api/budgets/settings',
      { tenantName: 'Finance', noDataPolicy: 'bad' },
      root,
    );
    expect(r.status, r.text).toBe(200);
    await eventually(() => b.deps.policy.settingsOf('Finance').noDataPolicy === 'bad', 1_000, 'pod B settings');
    expect(b.deps.policy.settingsOf('Data Engineering')).toEqual({
      tenantName: 'Data Engineering',
      timeZone: 'UTC',
      windowDays: 30,
      noDataPolicy: 'exclude',
    });
  });

  it('a pod started while PostgreSQL is unreachable loads the last copy from Redis, then PostgreSQL once back', async () => {
    const [a] = pods as [App];
    const created = await request(a.url, 'POST', '/api/windows', oneOff({ reason: 'mirrored' }), root);
    expect(created.status).toBe(200);
    proxy = await startTcpProxy(PG_PORT);
    proxy.pause();
    const c = await startPod({
      schema,
      INGEST_TOKENS,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      POD_ID: 'policy-c',
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${proxy.port}/test`,
    });
    try {
      expect(c.deps.policy.source).toBe('redis');
      expect(c.deps.policy.windows()).toEqual(a.deps.policy.windows());
      expect(c.deps.policy.settingsOf('Finance').noDataPolicy).toBe('bad');
      const listed = await request(c.url, 'GET', '/api/windows?includeEnded=true');
      expect(listed.status).toBe(200);
      expect(listed.json.items).toContainEqual(created.json);
      proxy.resume();
      await eventually(() => c.deps.policy.source === 'postgres', 10_000, 'reloaded from postgres');
    } finally {
      await c.close();
    }
  }, 60_000);
});

describe('without Redis (memory mode)', () => {
  const schema = uniqueSchema('policy_memory');
  let pod: App;
  beforeAll(async () => {
    pod = await startPod({ schema, INGEST_TOKENS });
    await seedByIngest(pod.url);
  });
  afterAll(async () => {
    await pod?.close();
    await dropSchema(schema);
  });

  it('a write is in the pod’s own copy at once', async () => {
    const created = await request(pod.url, 'POST', '/api/windows', oneOff(), root);
    expect(created.status, created.text).toBe(200);
    expect(pod.deps.policy.windows().map((w) => w.id)).toContain(created.json.id);
    expect(pod.deps.policy.source).toBe('postgres');
  });
});
