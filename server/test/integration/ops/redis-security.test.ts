import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../../test/support/redis-server.js';
import { makeTlsFiles, type TlsFiles } from '../../../../test/support/tls-certs.js';
import { dropSchema, eventually, post, UPDATE, uniqueSchema } from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';
import { adminClient, type LoggedPod, redisSlas, startPodWithLogs, statusAndHealth, WARN } from './pod-logs.js';

const ONE = '/api/cache/incremental-update';
const PASSWORD = 'redis-admin-pw-4e7a1c';
const WRONG = 'not-the-password-b29f';
const ACL_PASSWORD = 'acl-user-pw-8d3b6f';
const SECRETS = [PASSWORD, WRONG, ACL_PASSWORD];

const pods: LoggedPod[] = [];
const schemas: string[] = [];
async function boot(env: Record<string, string>): Promise<LoggedPod> {
  const schema = uniqueSchema('redis_sec');
  schemas.push(schema);
  const pod = await startPodWithLogs({ schema, ...env });
  pods.push(pod);
  return pod;
}
afterEach(async () => {
  for (const pod of pods.splice(0)) await pod.close();
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

/** Nothing an operator or a client can read carries a password. */
async function expectNoSecrets(pod: LoggedPod): Promise<void> {
  const exposed = (await statusAndHealth(pod.url)).text + pod.logs();
  for (const secret of SECRETS) expect(exposed.includes(secret), 'a password leaked').toBe(false);
}

/** An update goes through the pod and ends up in Redis under the pod's prefix. */
async function expectIngestLandsInRedis(pod: LoggedPod, admin: Redis, prefix: string, name: string): Promise<void> {
  const r = await post(pod.url, ONE, { ...UPDATE, entityName: name, currentSla: 91.25 });
  expect(r.status).toBe(200);
  await eventually(async () => (await redisSlas(admin, prefix)).get(name) === 91.25, 5_000, `${name} in redis`);
}

/** Warnings and errors an operator would see, as text. */
const warnings = (pod: LoggedPod) =>
  pod
    .entries()
    .filter((e) => e.level >= WARN)
    .map((e) => JSON.stringify(e));

describe('Redis with a password (requirepass)', () => {
  let redis: TestRedisServer;
  let admin: Redis;
  beforeAll(async () => {
    redis = await startRedisServer({ password: PASSWORD });
    admin = await adminClient(redis.url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await redis?.close();
  });

  it('serves from redis with the password from REDIS_URL', async () => {
    const prefix = uniquePrefix('requirepass');
    const pod = await boot({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix });
    const { status } = await statusAndHealth(pod.url);
    expect(status).toMatchObject({ mode: 'redis', redisConnection: 'ready', subscriberConnection: 'ready' });
    await expectIngestLandsInRedis(pod, admin, prefix, 'requirepass_entity');
    await expectNoSecrets(pod);
  });

  it.each([
    ['a wrong password', () => `redis://:${WRONG}@127.0.0.1:${redis.port}`],
    ['no password', () => `redis://127.0.0.1:${redis.port}`],
  ])('starts in memory mode with %s, says authentication failed once, and never logs a password', async (_, url) => {
    const pod = await boot({ REDIS_URL: url() });
    const { status, health } = await statusAndHealth(pod.url);
    expect(status.mode).toBe('memory');
    expect(status.redisConnection).not.toBe('ready');
    expect(health).toMatchObject({ status: 'degraded', checks: { redis: { status: 'degraded' } } });
    expect((await post(pod.url, ONE, { ...UPDATE, entityName: 'bad_auth_entity' })).status).toBe(200);
    // ioredis retries about once a second: the reason is worth one line, not one per retry.
    await new Promise((r) => setTimeout(r, 2_500));
    const auth = warnings(pod).filter((line) => /WRONGPASS|NOAUTH/.test(line));
    expect(auth.length, warnings(pod).join('\n')).toBeGreaterThanOrEqual(1);
    expect(auth.length, auth.join('\n')).toBeLessThanOrEqual(2);
    expect(auth.join('\n')).toMatch(/authentication/i);
    await expectNoSecrets(pod);
  });

  it('works as an ACL user given in the URL', async () => {
    await admin.call('ACL', 'SETUSER', 'sla', 'on', `>${ACL_PASSWORD}`, '~*', '&*', '+@all');
    const prefix = uniquePrefix('acl');
    const pod = await boot({
      REDIS_URL: `redis://sla:${ACL_PASSWORD}@127.0.0.1:${redis.port}`,
      REDIS_KEY_PREFIX: prefix,
    });
    expect((await statusAndHealth(pod.url)).status.mode).toBe('redis');
    await expectIngestLandsInRedis(pod, admin, prefix, 'acl_entity');
    await expectNoSecrets(pod);
  });

  it('works as an ACL user confined to the key prefix and its channels (the docs recipe)', async () => {
    const prefix = uniquePrefix('aclprefix');
    await admin.call(
      'ACL',
      'SETUSER',
      'sla-app',
      'reset',
      'on',
      `>${ACL_PASSWORD}`,
      `~${prefix}*`,
      `&${prefix}*`,
      '+@all',
    );
    const url = `redis://sla-app:${ACL_PASSWORD}@127.0.0.1:${redis.port}`;
    const pod = await boot({ REDIS_URL: url, REDIS_KEY_PREFIX: prefix });
    expect((await statusAndHealth(pod.url)).status.mode).toBe('redis');
    await expectIngestLandsInRedis(pod, admin, prefix, 'acl_prefix_entity');
    // A full refresh exercises the lock, the fence and the generation switch scripts.
    expect((await post(pod.url, '/api/cache/refresh', {})).json.started).toBe(true);
    expect(warnings(pod).filter((line) => /NOPERM/.test(line))).toEqual([]);
    // The confinement is real: the same user cannot touch a key outside the prefix.
    const user = await adminClient(url);
    try {
      await expect(user.get('outside:the:prefix')).rejects.toThrow(/NOPERM/);
    } finally {
      user.disconnect();
    }
    await expectNoSecrets(pod);
  });
});

describe('Redis over TLS with a private CA', () => {
  let files: TlsFiles;
  let redis: TestRedisServer;
  beforeAll(async () => {
    files = makeTlsFiles();
    redis = await startRedisServer({ password: PASSWORD, tls: files });
  });
  afterAll(async () => {
    await redis?.close();
    files?.remove();
  });

  it('serves from redis with rediss:// and REDIS_TLS_CA_FILE, and ingest lands in Redis', async () => {
    expect(redis.url.startsWith('rediss://')).toBe(true);
    const prefix = uniquePrefix('tls');
    const pod = await boot({ REDIS_URL: redis.url, REDIS_TLS_CA_FILE: files.caFile, REDIS_KEY_PREFIX: prefix });
    expect((await statusAndHealth(pod.url)).status).toMatchObject({ mode: 'redis', redisConnection: 'ready' });
    const admin = await adminClient(redis.url, files.caFile);
    try {
      await expectIngestLandsInRedis(pod, admin, prefix, 'tls_entity');
    } finally {
      admin.disconnect();
    }
    await expectNoSecrets(pod);
  });

  it('starts in memory mode and logs the certificate problem when the CA is not given', async () => {
    const pod = await boot({ REDIS_URL: redis.url });
    const { status } = await statusAndHealth(pod.url);
    expect(status.mode).toBe('memory');
    expect((await post(pod.url, ONE, { ...UPDATE, entityName: 'tls_no_ca_entity' })).status).toBe(200);
    expect(warnings(pod).filter((line) => /certificate/i.test(line)).length, pod.logs()).toBeGreaterThanOrEqual(1);
    await expectNoSecrets(pod);
  });

  it('does not speak plain redis:// to a TLS port (memory mode, no crash)', async () => {
    const pod = await boot({ REDIS_URL: redis.url.replace('rediss://', 'redis://') });
    expect((await statusAndHealth(pod.url)).status.mode).toBe('memory');
    await expectNoSecrets(pod);
  });
});
