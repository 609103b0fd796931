import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { connectRedis, describeTarget, mastersOf, redisTargetOf } from '../../../src/cache/redis/client.js';
import { ConfigError, loadConfig } from '../../../src/platform/config.js';

const load = (env: Record<string, string>) => loadConfig(env, 'host');
const problem = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('the Redis topology from the configuration', () => {
  it('is memory mode with no Redis variable, a single server with REDIS_URL alone', () => {
    expect(redisTargetOf(load({}))).toBeNull();
    expect(redisTargetOf(load({ REDIS_URL: 'redis://:pw@cache:6379' }))).toEqual({
      kind: 'single',
      url: 'redis://:pw@cache:6379',
    });
  });

  it('is Sentinel with REDIS_SENTINELS and a name, the URL giving only credentials and TLS', () => {
    const target = redisTargetOf(
      load({
        REDIS_SENTINELS: 's1:26379, s2:26379,[::1]:26380',
        REDIS_SENTINEL_NAME: 'mymaster',
        REDIS_SENTINEL_PASSWORD: 'spw',
        REDIS_URL: 'rediss://app:pw@ignored',
      }),
    );
    expect(target).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      name: 'mymaster',
      sentinelPassword: 'spw',
      url: 'rediss://app:pw@ignored',
    });
    expect(describeTarget(target ?? { kind: 'single', url: 'redis://x' })).toBe(
      'sentinel mymaster via s1:26379,s2:26379,::1:26380',
    );
  });

  it('is Cluster with REDIS_CLUSTER_NODES, with an optional NAT map', () => {
    const target = redisTargetOf(
      load({ REDIS_CLUSTER_NODES: 'n1:7000,n2:7001', REDIS_CLUSTER_NAT_MAP: '10.0.0.1:6379=localhost:7000' }),
    );
    expect(target).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
      ],
      natMap: { '10.0.0.1:6379': { host: 'localhost', port: 7000 } },
    });
    expect(
      JSON.stringify(describeTarget(redisTargetOf(load({ REDIS_URL: 'redis://u:secret@h:1' })) as never)),
    ).not.toContain('secret');
  });

  it.each([
    [{ REDIS_SENTINELS: 's1:26379', REDIS_CLUSTER_NODES: 'n1:7000', REDIS_SENTINEL_NAME: 'm' }, /not both/],
    [{ REDIS_SENTINELS: 's1:26379' }, /REDIS_SENTINEL_NAME: required with REDIS_SENTINELS/],
    [{ REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINEL_NAME: only used with REDIS_SENTINELS/],
    [{ REDIS_SENTINEL_PASSWORD: 'x' }, /REDIS_SENTINEL_PASSWORD: only used with REDIS_SENTINELS/],
    [{ REDIS_CLUSTER_NAT_MAP: 'a:1=b:2' }, /REDIS_CLUSTER_NAT_MAP: only used with REDIS_CLUSTER_NODES/],
    [{ REDIS_CLUSTER_NODES: 'n1' }, /REDIS_CLUSTER_NODES: expected host:port/],
    [{ REDIS_CLUSTER_NODES: 'n1:70000' }, /REDIS_CLUSTER_NODES: expected host:port/],
    [{ REDIS_SENTINELS: 's1:26379,', REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINELS: expected host:port/],
    [{ REDIS_CLUSTER_NODES: 'n1:7000', REDIS_CLUSTER_NAT_MAP: 'a:1' }, /REDIS_CLUSTER_NAT_MAP: expected announced/],
  ])('refuses %o naming the variable', (env, message) => {
    expect(problem(env)).toMatch(message);
  });
});

describe('the client each topology gets', () => {
  it('asks the sentinels with failover detection, the URL giving the data nodes credentials and TLS to both', () => {
    const client = connectRedis(
      {
        kind: 'sentinel',
        sentinels: [{ host: 's1', port: 26379 }],
        name: 'mymaster',
        sentinelPassword: 'spw',
        url: 'rediss://app:p%40ss@ignored',
      },
      { name: 'pod:cmd', lazyConnect: true },
    );
    if (!(client instanceof Redis)) throw new Error('not a Redis');
    expect(client.options).toMatchObject({
      sentinels: [{ host: 's1', port: 26379 }],
      name: 'mymaster',
      sentinelPassword: 'spw',
      username: 'app',
      password: 'p@ss',
      failoverDetector: true,
      enableTLSForSentinelMode: true,
      enableOfflineQueue: false,
      connectionName: 'pod:cmd',
    });
    expect(client.options.tls).toBeDefined();
    client.disconnect();
  });

  it('is a Cluster with bounded retries on redirections, reads from masters and the NAT map', () => {
    const client = connectRedis(
      {
        kind: 'cluster',
        nodes: [{ host: 'n1', port: 7000 }],
        natMap: { '10.0.0.1:6379': { host: 'localhost', port: 7000 } },
        url: 'redis://:pw@ignored',
      },
      { name: 'pod:cmd', lazyConnect: true },
    );
    expect(client).toBeInstanceOf(Cluster);
    expect(client).not.toBeInstanceOf(Redis);
    if (!(client instanceof Cluster)) throw new Error('not a cluster');
    expect(client.options).toMatchObject({
      scaleReads: 'master',
      maxRedirections: 16,
      retryDelayOnTryAgain: 100,
      retryDelayOnClusterDown: 100,
      enableOfflineQueue: false,
      natMap: { '10.0.0.1:6379': { host: 'localhost', port: 7000 } },
    });
    expect(client.options.redisOptions).toMatchObject({
      password: 'pw',
      connectionName: 'pod:cmd',
      commandTimeout: 1000,
    });
    expect(mastersOf(client)).toEqual([]);
    client.disconnect();
  });
});
