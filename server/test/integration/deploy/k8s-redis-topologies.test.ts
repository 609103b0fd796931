import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/platform/config.js';
import { hasKubectl, kubectlKustomize, kustomizationsUnder, kustomizeBuild, readKustomization } from './kustomize.js';
import {
  ENV_KEYS,
  type EnvSources,
  imageEnv,
  isPinnedImage,
  type K8sDoc,
  k8sModel,
  lazy,
  loadK8s,
  objectData,
  parseDockerfile,
  readRepoFile,
  resolveContainerEnv,
  validateK8s,
} from './manifests.js';
import {
  addressList,
  CLUSTER_DIR,
  CLUSTER_ENV,
  parseRedisConf,
  REPLICATED_SETTINGS,
  SENTINEL_DIR,
  SENTINEL_ENV,
  sentinelMonitor,
  shippedSettings,
  TOPOLOGY_ENV,
  topologySettings,
} from './redis-topologies.js';

// k8s/overlays/*, read as `kubectl apply -k` applies them (kustomize.ts), against k8s/.
const base = lazy(() => kustomizeBuild('k8s'));
const overlay = {
  sentinel: lazy(() => kustomizeBuild(SENTINEL_DIR)),
  cluster: lazy(() => kustomizeBuild(CLUSTER_DIR)),
};
const secrets = lazy(() => loadK8s(['k8s/secrets.example.yaml']));

const find = (docs: K8sDoc[], kind: string, name: string) => {
  const d = docs.find((x) => x.kind === kind && x.name === name);
  if (!d) throw new Error(`${kind} ${name} not found`);
  return d;
};
const podSpec = (d: { spec?: { template: { spec?: IPodSpec } } }): IPodSpec => {
  const spec = d.spec?.template.spec;
  if (!spec) throw new Error('no pod spec');
  return spec;
};
const only = (spec: IPodSpec): IContainer => {
  expect(spec.containers.length).toBe(1);
  return spec.containers[0] as IContainer;
};
const sts = (docs: K8sDoc[], name: string) => k8sModel(StatefulSet, find(docs, 'StatefulSet', name));
const appDeployment = (docs: K8sDoc[]) => k8sModel(Deployment, find(docs, 'Deployment', 'sla-management-app'));

const sources = (docs: K8sDoc[], podName: string): EnvSources => ({
  imageEnv: imageEnv(parseDockerfile()),
  configMaps: new Map(docs.filter((d) => d.kind === 'ConfigMap').map((d) => [d.name, objectData(d)])),
  secrets: new Map(secrets().map((d) => [d.name, objectData(d)])),
  podName,
});
const appEnv = (docs: K8sDoc[]) =>
  resolveContainerEnv(only(podSpec(appDeployment(docs))), sources(docs, 'sla-management-app-5d8f7c9b6d-x2k4q'));
/** The environment of pod `<statefulset>-<ordinal>`, with `$(VAR)` references expanded as the kubelet does. */
const podEnv = (docs: K8sDoc[], set: string, ordinal: number, container?: IContainer) => {
  const c = container ?? only(podSpec(sts(docs, set)));
  const { env } = resolveContainerEnv(c, sources(docs, `${set}-${ordinal}`));
  for (const e of c.env ?? []) env[e.name] = (env[e.name] ?? '').replace(/\$\(([A-Z_]+)\)/g, (_, v) => env[v] ?? '');
  return env;
};
const redisPassword = () => objectData(find(secrets(), 'Secret', 'redis-auth')).REDIS_PASSWORD;
/** Settings of the single Redis in k8s/redis.yaml: every data node must have them. */
const shipped = lazy(() => {
  const c = only(podSpec(k8sModel(Deployment, find(base(), 'Deployment', 'redis-cache'))));
  return shippedSettings([...(c.command ?? []), ...(c.args ?? [])]);
});

/** `<set>-<i>.<headless service>:<port>` for every pod of a StatefulSet. */
const podAddresses = (docs: K8sDoc[], set: string) => {
  const s = sts(docs, set);
  const port = only(podSpec(s)).ports?.[0]?.containerPort;
  return Array.from({ length: s.spec?.replicas ?? 0 }, (_, i) => `${set}-${i}.${s.spec?.serviceName}:${port}`);
};

/** A data set: headless governing Service, its ConfigMap mounted read-only, the start script run from it. */
function checkStatefulSet(docs: K8sDoc[], name: string, files: string, script: string) {
  const s = sts(docs, name);
  const spec = podSpec(s);
  const c = only(spec);
  const svc = k8sModel(Service, find(docs, 'Service', s.spec?.serviceName ?? ''));
  expect(svc.spec?.clusterIP).toBe('None');
  expect(svc.spec?.publishNotReadyAddresses).toBe(true);
  expect(svc.spec?.selector).toEqual(s.spec?.selector.matchLabels);
  expect(s.spec?.template.metadata?.labels).toMatchObject(s.spec?.selector.matchLabels ?? {});
  expect(s.spec?.podManagementPolicy).toBe('Parallel');
  const volume = spec.volumes?.find((v) => v.configMap?.name === files);
  const mount = c.volumeMounts?.find((m) => m.name === volume?.name);
  expect(mount?.readOnly).toBe(true);
  expect(c.command).toEqual(['sh', `${mount?.mountPath}/${script}`]);
  expect(objectData(find(docs, 'ConfigMap', files))[script]).toMatch(/^#!\/bin\/sh\n/);
  expect(c.readinessProbe?.exec?.command?.join(' ')).toMatch(/redis-cli/);
  expect(c.image).toBe('redis:7.4-alpine');
  const pdb = docs
    .filter((d) => d.kind === 'PodDisruptionBudget')
    .map((d) => k8sModel(PodDisruptionBudget, d))
    .find((p) => JSON.stringify(p.spec?.selector?.matchLabels) === JSON.stringify(s.spec?.selector.matchLabels));
  expect(pdb?.spec?.maxUnavailable, `${name} PodDisruptionBudget`).toBe(1);
  return { set: s, container: c };
}

describe('k8s kustomizations', () => {
  const all = ['k8s', 'k8s/optional', ...kustomizationsUnder('k8s/overlays')];

  it('has exactly the overlays redis-sentinel and redis-cluster, sharing k8s/app', () => {
    expect(kustomizationsUnder('k8s/overlays')).toEqual([CLUSTER_DIR, SENTINEL_DIR]);
    for (const dir of ['k8s', SENTINEL_DIR, CLUSTER_DIR])
      expect(readKustomization(dir).resources.filter((r) => r.endsWith('app'))).toHaveLength(1);
  });

  it.each(all)('%s: every object validates against the API schema', (dir) => {
    for (const doc of kustomizeBuild(dir)) {
      expect(() => validateK8s(doc)).not.toThrow();
      expect(doc.name, `${doc.kind} name`).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  // Skipped where kubectl is not installed (CI and a fresh machine have none); the tests above
  // check the same build through the project's own kustomize subset either way.
  it.skipIf(!hasKubectl()).each(all)('%s: builds to what `kubectl kustomize` prints', (dir) => {
    const ours = new Map(kustomizeBuild(dir).map((d) => [`${d.kind}/${d.name}`, d.raw]));
    const theirs = kubectlKustomize(dir);
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [id, raw] of ours) expect(raw, id).toEqual(theirs.get(id));
  });

  it.each(Object.entries(overlay))('%s: the single Redis is left out; the app objects are those of k8s/', (_, docs) => {
    for (const d of base().filter(
      (b) => b.raw.metadata && (b.name.startsWith('redis') || b.kind === 'PersistentVolumeClaim'),
    ))
      expect(
        docs().some((o) => o.kind === d.kind && o.name === d.name),
        `${d.kind}/${d.name}`,
      ).toBe(false);
    for (const id of ['Service/sla-management', 'PodDisruptionBudget/sla-management-pdb']) {
      const [kind = '', name = ''] = id.split('/');
      expect(find(docs(), kind, name).raw).toEqual(find(base(), kind, name).raw);
    }
  });

  it.each(Object.entries(overlay))('%s: the app changes only by its Redis variables', (_, docs) => {
    const strip = (from: K8sDoc[]) => {
      const doc = find(from, 'Deployment', 'sla-management-app');
      const d = k8sModel(Deployment, { ...doc, raw: structuredClone(doc.raw) });
      const c = d.spec?.template.spec?.containers[0];
      if (c) c.env = c.env?.filter((e) => !TOPOLOGY_ENV.has(e.name));
      return d.toJSON();
    };
    expect(strip(docs())).toEqual(strip(base()));
    const cfg = objectData(find(docs(), 'ConfigMap', 'sla-config'));
    const baseCfg = objectData(find(base(), 'ConfigMap', 'sla-config'));
    expect(Object.fromEntries(Object.entries(cfg).filter(([k]) => !TOPOLOGY_ENV.has(k)))).toEqual(baseCfg);
  });

  it.each(Object.entries(overlay))('%s: every pod runs as non-root, pinned, with a readiness probe', (_, docs) => {
    const specs = docs()
      .filter((d) => ['StatefulSet', 'Job'].includes(d.kind))
      .map((d) => podSpec(d.raw as { spec?: { template: { spec?: IPodSpec } } }));
    expect(specs.length).toBeGreaterThanOrEqual(2);
    for (const spec of specs) {
      expect(spec.securityContext?.runAsNonRoot).toBe(true);
      expect(spec.securityContext?.runAsUser ?? 0).toBeGreaterThan(0);
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const c of spec.containers) {
        expect(isPinnedImage(c.image ?? '')).toBe(true);
        expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
        expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
        expect(c.securityContext?.capabilities?.drop).toContain('ALL');
        expect(c.resources?.limits?.memory).toBeTruthy();
      }
    }
  });
});

describe('overlay redis-sentinel', () => {
  const docs = overlay.sentinel;
  const env = () => appEnv(docs()).env;

  it('runs 3 data nodes with the shipped settings plus min-replicas-to-write', () => {
    const { set } = checkStatefulSet(docs(), 'redis-node', 'redis-sentinel-files', 'start-redis.sh');
    expect(set.spec?.replicas).toBe(3);
    expect(set.spec?.volumeClaimTemplates?.[0]?.spec?.accessModes).toEqual(['ReadWriteOnce']);
    const conf = parseRedisConf(objectData(find(docs(), 'ConfigMap', 'redis-sentinel-files'))['redis.conf'] ?? '');
    expect(conf).toEqual(parseRedisConf(readRepoFile(`${SENTINEL_DIR}/redis.conf`)));
    const settings = topologySettings(SENTINEL_DIR);
    for (const [k, v] of [...shipped(), ...REPLICATED_SETTINGS]) expect(settings.get(k), k).toBe(v);
  });

  it('runs 3 sentinels with quorum 2 that a disruption budget keeps', () => {
    const { set } = checkStatefulSet(docs(), 'redis-sentinel', 'redis-sentinel-files', 'start-sentinel.sh');
    const { quorum, host, port } = sentinelMonitor(SENTINEL_DIR);
    expect(set.spec?.replicas).toBe(3);
    expect(quorum).toBe(2);
    expect((set.spec?.replicas ?? 0) - 1).toBeGreaterThanOrEqual(quorum);
    // The seed master in sentinel.conf is data node 0, as the start scripts are told.
    expect(`${host}:${port}`).toBe(podAddresses(docs(), 'redis-node')[0]);
  });

  it('tells every member its own stable name, the seed master and the sentinels', () => {
    for (const [set, count] of [
      ['redis-node', 3],
      ['redis-sentinel', 3],
    ] as const)
      for (let i = 0; i < count; i++) {
        const e = podEnv(docs(), set, i);
        expect(e.SELF).toBe(podAddresses(docs(), set)[i]);
        expect(e.SEED_MASTER).toBe(podAddresses(docs(), 'redis-node')[0]);
        expect(addressList(e.SENTINELS)).toEqual(podAddresses(docs(), 'redis-sentinel'));
        expect(e.REDIS_PASSWORD).toBe(redisPassword());
      }
  });

  it("points the app's REDIS_SENTINELS at the sentinels, with the group name and password", () => {
    expect(addressList(env().REDIS_SENTINELS)).toEqual(podAddresses(docs(), 'redis-sentinel'));
    expect(env().REDIS_SENTINEL_NAME).toBe(sentinelMonitor(SENTINEL_DIR).name);
    expect(env().REDIS_SENTINEL_PASSWORD).toBe(redisPassword());
    expect(decodeURIComponent(new URL(env().REDIS_URL ?? '').password)).toBe(redisPassword());
    for (const k of CLUSTER_ENV) expect(env()[k], k).toBeUndefined();
  });

  it('admits the app pods and the members to the data nodes and sentinels', () => {
    const np = k8sModel(NetworkPolicy, find(docs(), 'NetworkPolicy', 'redis-sentinel-allow-sla-management'));
    expect(np.spec?.podSelector?.matchExpressions?.[0]?.values?.sort()).toEqual(['redis-node', 'redis-sentinel']);
    const from = np.spec?.ingress?.[0]?.from?.[0]?.podSelector?.matchExpressions?.[0]?.values;
    expect(from?.sort()).toEqual(['redis-node', 'redis-sentinel', 'sla-management']);
    expect(np.spec?.ingress?.[0]?.ports?.map((p) => p.port).sort()).toEqual([26379, 6379]);
  });
});

describe('overlay redis-cluster', () => {
  const docs = overlay.cluster;
  const env = () => appEnv(docs()).env;

  it('runs 6 nodes with the shipped settings, min-replicas-to-write and cluster-enabled', () => {
    const { set, container } = checkStatefulSet(docs(), 'redis-cluster', 'redis-cluster-files', 'start-node.sh');
    expect(set.spec?.replicas).toBe(6);
    expect(container.ports?.map((p) => p.containerPort)).toEqual([6379, 16379]);
    const settings = topologySettings(CLUSTER_DIR);
    for (const [k, v] of [...shipped(), ...REPLICATED_SETTINGS]) expect(settings.get(k), k).toBe(v);
    expect(settings.get('cluster-enabled')).toBe('yes');
    // Ready only when the node sees the whole cluster serving.
    expect(container.readinessProbe?.exec?.command?.join(' ')).toMatch(/cluster info .*cluster_state:ok/);
    for (let i = 0; i < 6; i++)
      expect(podEnv(docs(), 'redis-cluster', i).SELF).toBe(podAddresses(docs(), 'redis-cluster')[i]);
  });

  it('creates the cluster once with a Job: 3 masters, one replica each, nothing when already ok', () => {
    const job = k8sModel(Job, find(docs(), 'Job', 'redis-cluster-create'));
    const spec = job.spec?.template.spec as IPodSpec;
    const c = only(spec);
    expect(c.command).toEqual(['sh', '/etc/redis-cluster/create-cluster.sh']);
    expect(spec.volumes?.find((v) => v.name === c.volumeMounts?.[0]?.name)?.configMap?.name).toBe(
      'redis-cluster-files',
    );
    const { env: e } = resolveContainerEnv(c, sources(docs(), 'redis-cluster-create-x'));
    expect(addressList(e.NODES)).toEqual(podAddresses(docs(), 'redis-cluster'));
    expect(e.REDIS_PASSWORD).toBe(redisPassword());
    const script = objectData(find(docs(), 'ConfigMap', 'redis-cluster-files'))['create-cluster.sh'] ?? '';
    expect(script).toMatch(/--cluster create \$NODES --cluster-replicas 1 --cluster-yes/);
    expect(script).toMatch(/cluster_state\)" = ok/);
  });

  it("points the app's REDIS_CLUSTER_NODES at the six nodes", () => {
    expect(addressList(env().REDIS_CLUSTER_NODES)).toEqual(podAddresses(docs(), 'redis-cluster'));
    expect(decodeURIComponent(new URL(env().REDIS_URL ?? '').password)).toBe(redisPassword());
    for (const k of SENTINEL_ENV) expect(env()[k], k).toBeUndefined();
  });

  it('admits the app pods, the Job and the nodes on the client port and the cluster bus', () => {
    const np = k8sModel(NetworkPolicy, find(docs(), 'NetworkPolicy', 'redis-cluster-allow-sla-management'));
    expect(np.spec?.podSelector?.matchLabels).toEqual({ app: 'redis-cluster' });
    const from = np.spec?.ingress?.[0]?.from?.[0]?.podSelector?.matchExpressions?.[0]?.values;
    expect(from?.sort()).toEqual(['redis-cluster', 'redis-cluster-create', 'sla-management']);
    expect(np.spec?.ingress?.[0]?.ports?.map((p) => p.port).sort()).toEqual([16379, 6379]);
    const job = k8sModel(Job, find(docs(), 'Job', 'redis-cluster-create'));
    expect(job.spec?.template.metadata?.labels?.app).toBe('redis-cluster-create');
  });
});

describe.each(Object.entries(overlay))('%s app configuration', (_, docs) => {
  it('sets only variables the server reads, or the topology variables', () => {
    for (const name of appEnv(docs()).names) expect(ENV_KEYS.has(name) || TOPOLOGY_ENV.has(name), name).toBe(true);
  });

  it('names one topology only', () => {
    const e = appEnv(docs()).env;
    expect([e.REDIS_SENTINELS, e.REDIS_CLUSTER_NODES].filter(Boolean)).toHaveLength(1);
  });

  it('still passes the production configuration check', () => {
    expect(loadConfig(appEnv(docs()).env).NODE_ENV).toBe('production');
  });

  // Runs once the server's configuration schema has the topology variables.
  it('uses names the server reads', () => {
    for (const k of TOPOLOGY_ENV) expect(ENV_KEYS, k).toContain(k);
  });
});

describe('docs/operations.md, "Moving between topologies"', () => {
  const KINDS: Record<string, string> = {
    deployment: 'Deployment',
    statefulset: 'StatefulSet',
    service: 'Service',
    job: 'Job',
    pdb: 'PodDisruptionBudget',
    networkpolicy: 'NetworkPolicy',
    configmap: 'ConfigMap',
    pvc: 'PersistentVolumeClaim',
  };
  /** The `kubectl delete` commands under each `# <topology>` comment of the section's bash block. */
  const deletes = lazy(() => {
    const doc = readRepoFile('docs/operations.md');
    const section = doc.slice(
      doc.indexOf('### Moving between topologies'),
      doc.indexOf('\n## ', doc.indexOf('### Moving between topologies')),
    );
    const out = new Map<string, string[][]>();
    let current = '';
    for (const line of section
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .map((l) => l.trim())) {
      if (line.startsWith('# ')) current = line.slice(2);
      else if (line.startsWith('kubectl delete '))
        out.set(current, [...(out.get(current) ?? []), line.split(/\s+/).slice(2)]);
    }
    return out;
  });
  const topologyObjects = (docs: K8sDoc[]) => {
    const app = new Set(kustomizeBuild('k8s/app').map((d) => `${d.kind}/${d.name}`));
    return docs.map((d) => `${d.kind}/${d.name}`).filter((id) => !app.has(id));
  };
  const cases: [string, () => K8sDoc[]][] = [
    ['the single Redis', base],
    ['Sentinel', overlay.sentinel],
    ['Cluster', overlay.cluster],
  ];

  it.each(cases)('deletes every object of %s, its volumes, and nothing of the app', (topology, docs) => {
    const commands = deletes().get(topology) ?? [];
    expect(commands.length, topology).toBeGreaterThan(0);
    const named = commands.flatMap((args) =>
      args.filter((a) => a.includes('/')).map((a) => `${KINDS[a.split('/')[0] ?? ''] ?? a}/${a.split('/')[1]}`),
    );
    const volumesOf = commands.filter((a) => a[0] === 'pvc' && a[1] === '-l').map((a) => a[2]);
    const claimed = docs()
      .filter((d) => d.kind === 'StatefulSet')
      .map((d) => k8sModel(StatefulSet, d))
      .filter((s) => (s.spec?.volumeClaimTemplates ?? []).length > 0)
      .map((s) =>
        Object.entries(s.spec?.selector.matchLabels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      );
    expect(named.sort()).toEqual(topologyObjects(docs()).sort());
    expect(volumesOf.sort()).toEqual(claimed.sort());
  });
});
