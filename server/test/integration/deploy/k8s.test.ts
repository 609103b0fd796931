import { readdirSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { Service } from 'kubernetes-models/v1/Service';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/platform/config.js';
import { kustomizeBuild, readKustomization } from './kustomize.js';
import {
  APP_IMAGE_NAME,
  APP_PORT,
  closeProbeServer,
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
  probeStatus,
  readRepoFile,
  repoFileExists,
  repoPath,
  resolveContainerEnv,
  splitImage,
  validateK8s,
} from './manifests.js';

const yamlIn = (dir: string) =>
  readdirSync(repoPath(dir))
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .map((f) => `${dir}/${f}`)
    .sort();

const kustomization = lazy(() => readKustomization('k8s'));
const appKustomization = lazy(() => readKustomization('k8s/app'));
const optionalKustomization = lazy(() => readKustomization('k8s/optional'));
const defaultDocs = lazy(() => kustomizeBuild('k8s'));
const optionalDocs = lazy(() => kustomizeBuild('k8s/optional'));
const exampleDocs = lazy(() => loadK8s(['k8s/secrets.example.yaml']));
const allDocs = () => [...defaultDocs(), ...optionalDocs(), ...exampleDocs()];

const find = (docs: K8sDoc[], kind: string, name: string) => {
  const d = docs.find((x) => x.kind === kind && x.name === name);
  if (!d) throw new Error(`${kind} ${name} not found`);
  return d;
};
const deployment = (name: string) => k8sModel(Deployment, find(defaultDocs(), 'Deployment', name));
const podSpec = (d: { spec?: { template: { spec?: IPodSpec } } }): IPodSpec => {
  const spec = d.spec?.template.spec;
  if (!spec) throw new Error('no pod spec');
  return spec;
};
const container = (spec: IPodSpec, name: string): IContainer => {
  const c = spec.containers.find((x) => x.name === name);
  if (!c) throw new Error(`container ${name} not found`);
  return c;
};
const pods = () => [
  { what: 'redis-cache', spec: podSpec(deployment('redis-cache')) },
  { what: 'sla-management-app', spec: podSpec(deployment('sla-management-app')) },
  { what: 'postgres', spec: podSpec(k8sModel(StatefulSet, find(optionalDocs(), 'StatefulSet', 'postgres'))) },
];

const app = lazy(() => deployment('sla-management-app'));
const appSpec = lazy(() => podSpec(app()));
const appContainer = lazy(() => container(appSpec(), 'sla-app'));
const redis = lazy(() => deployment('redis-cache'));
const redisContainer = lazy(() => container(podSpec(redis()), 'redis'));
const configMap = lazy(() => find(defaultDocs(), 'ConfigMap', 'sla-config'));

const envSources = (): EnvSources => ({
  imageEnv: imageEnv(parseDockerfile()),
  configMaps: new Map(
    allDocs()
      .filter((d) => d.kind === 'ConfigMap')
      .map((d) => [d.name, objectData(d)]),
  ),
  secrets: new Map(
    exampleDocs()
      .filter((d) => d.kind === 'Secret')
      .map((d) => [d.name, objectData(d)]),
  ),
  podName: 'sla-management-app-5d8f7c9b6d-x2k4q',
});

describe('k8s manifests', () => {
  it.each([...yamlIn('k8s'), ...yamlIn('k8s/app'), ...yamlIn('k8s/optional')])(
    '%s: every object validates against the API schema',
    (file) => {
      const docs = loadK8s([file]);
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) {
        expect(() => validateK8s(doc)).not.toThrow();
        expect(doc.name, `${doc.kind} name`).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      }
    },
  );

  it('are all in a kustomization, except the secrets example', () => {
    expect([...kustomization().resources].sort()).toEqual([
      'app',
      ...yamlIn('k8s')
        .map((f) => f.slice('k8s/'.length))
        .filter((f) => f !== 'secrets.example.yaml'),
    ]);
    expect([...appKustomization().resources].sort()).toEqual(yamlIn('k8s/app').map((f) => f.slice('k8s/app/'.length)));
    expect(kustomization().resources).not.toContain('secrets.example.yaml');
    expect(kustomization().resources.some((r) => r.includes('postgres') || r.includes('optional'))).toBe(false);
    expect(optionalKustomization().resources).toEqual(['postgres.yaml']);
    expect(yamlIn('k8s/optional')).toEqual(['k8s/optional/postgres.yaml']);
    for (const r of kustomization().resources) expect(repoFileExists(`k8s/${r}`)).toBe(true);
    expect(new Set(defaultDocs().map((d) => `${d.kind}/${d.name}`)).size).toBe(defaultDocs().length);
  });

  it('set the app image through kustomize', () => {
    const image = appContainer().image ?? '';
    expect(image).toBe(`${APP_IMAGE_NAME}:latest`);
    // In k8s/app, so the default deployment and every Redis overlay run the same image.
    expect(appKustomization().images).toEqual([{ name: APP_IMAGE_NAME, newName: APP_IMAGE_NAME, newTag: 'latest' }]);
    expect(kustomization().images).toBeUndefined();
  });

  it('pin every third-party image', () => {
    const images = pods().flatMap(({ spec }) =>
      [...spec.containers, ...(spec.initContainers ?? [])].map((c) => c.image ?? ''),
    );
    const thirdParty = images.filter((i) => splitImage(i).name !== APP_IMAGE_NAME);
    expect(thirdParty.length).toBeGreaterThanOrEqual(2);
    for (const i of thirdParty) expect(isPinnedImage(i), i).toBe(true);
  });

  it.each(['redis-cache', 'sla-management-app', 'postgres'])(
    'run %s as non-root without privilege escalation',
    (what) => {
      const spec = pods().find((p) => p.what === what)?.spec as IPodSpec;
      expect(spec.securityContext?.runAsNonRoot).toBe(true);
      expect(spec.securityContext?.runAsUser ?? 0).toBeGreaterThan(0);
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const c of spec.containers) {
        expect(c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser).not.toBe(0);
        expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
        expect(c.securityContext?.capabilities?.drop).toContain('ALL');
      }
    },
  );
});

describe('redis.yaml', () => {
  it('keeps the original names: Deployment redis-cache, PVC redis-pvc, Service redis-service', () => {
    expect(redis().metadata?.name).toBe('redis-cache');
    expect(redis().spec?.replicas).toBe(1);
    expect(redis().spec?.selector.matchLabels).toEqual({ app: 'redis-cache' });
    expect(redis().spec?.template.metadata?.labels).toMatchObject({ app: 'redis-cache' });
    // A ReadWriteOnce volume cannot be mounted by the old and the new pod at once.
    expect(redis().spec?.strategy?.type).toBe('Recreate');
    const volume = podSpec(redis()).volumes?.find((v) => v.persistentVolumeClaim);
    expect(volume?.persistentVolumeClaim?.claimName).toBe('redis-pvc');
    expect(redisContainer().volumeMounts).toContainEqual({ name: volume?.name, mountPath: '/data' });
    const pvc = k8sModel(PersistentVolumeClaim, find(defaultDocs(), 'PersistentVolumeClaim', 'redis-pvc'));
    expect(pvc.spec?.accessModes).toEqual(['ReadWriteOnce']);
    const svc = k8sModel(Service, find(defaultDocs(), 'Service', 'redis-service'));
    expect(svc.spec?.selector).toEqual({ app: 'redis-cache' });
    expect(svc.spec?.ports).toEqual([{ name: 'redis', port: 6379, targetPort: 6379 }]);
    expect(redisContainer().ports?.[0]?.containerPort).toBe(6379);
  });

  it('runs redis:7.4-alpine append-only with a password from a Secret', () => {
    expect(redisContainer().image).toBe('redis:7.4-alpine');
    const argv = [...(redisContainer().command ?? []), ...(redisContainer().args ?? [])];
    expect(argv[0]).toBe('redis-server');
    expect(argv[argv.indexOf('--appendonly') + 1]).toBe('yes');
    expect(Number(argv[argv.indexOf('--hash-max-listpack-value') + 1])).toBeGreaterThanOrEqual(256);
    expect(argv[argv.indexOf('--requirepass') + 1]).toBe('$(REDIS_PASSWORD)');
    const pw = redisContainer().env?.find((e) => e.name === 'REDIS_PASSWORD');
    expect(pw?.valueFrom?.secretKeyRef).toEqual({ name: 'redis-auth', key: 'REDIS_PASSWORD' });
    expect(envSources().secrets.get('redis-auth')?.REDIS_PASSWORD).toBeTruthy();
  });

  it('has the original resource figures', () => {
    expect(redisContainer().resources).toEqual({
      requests: { memory: '256Mi', cpu: '250m' },
      limits: { memory: '512Mi', cpu: '500m' },
    });
  });

  it('accepts connections only from the app pods', () => {
    const np = k8sModel(NetworkPolicy, find(defaultDocs(), 'NetworkPolicy', 'redis-allow-sla-management'));
    expect(np.spec?.podSelector?.matchLabels).toEqual({ app: 'redis-cache' });
    expect(np.spec?.policyTypes).toEqual(['Ingress']);
    expect(np.spec?.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { app: 'sla-management' } } }], ports: [{ protocol: 'TCP', port: 6379 }] },
    ]);
    expect(app().spec?.template.metadata?.labels?.app).toBe('sla-management');
  });
});

describe('app.yaml', () => {
  it('keeps the original names and figures', () => {
    expect(app().metadata?.name).toBe('sla-management-app');
    expect(app().metadata?.labels).toMatchObject({ app: 'sla-management' });
    expect(app().spec?.replicas).toBe(3);
    expect(app().spec?.selector.matchLabels).toEqual({ app: 'sla-management' });
    expect(app().spec?.template.metadata?.labels).toMatchObject({ app: 'sla-management' });
    expect(appSpec().containers.map((c) => c.name)).toEqual(['sla-app']);
    expect(appContainer().resources).toEqual({
      requests: { memory: '512Mi', cpu: '500m' },
      limits: { memory: '1Gi', cpu: '1000m' },
    });
  });

  it(`serves on container port ${APP_PORT}, behind Service sla-management port 80`, () => {
    expect(appContainer().ports?.map((p) => p.containerPort)).toEqual([APP_PORT]);
    const svc = k8sModel(Service, find(defaultDocs(), 'Service', 'sla-management'));
    expect(svc.spec?.selector).toEqual({ app: 'sla-management' });
    expect(svc.spec?.ports?.map((p) => [p.port, p.targetPort])).toEqual([[80, APP_PORT]]);
  });

  const probes: [string, () => IProbe | undefined, string][] = [
    ['readinessProbe', () => appContainer().readinessProbe, '/api/health/ready'],
    ['livenessProbe', () => appContainer().livenessProbe, '/api/health/live'],
    ['startupProbe', () => appContainer().startupProbe, '/api/health/live'],
  ];
  afterAll(closeProbeServer);

  it.each(probes)('%s probes a route the server has, on the app port', async (_, probe, path) => {
    expect(probe()?.httpGet?.path).toBe(path);
    expect(await probeStatus(probe()?.httpGet?.path ?? '')).toBe(200);
    expect(probe()?.httpGet?.port).toBe(APP_PORT);
  });

  it('keeps the original probe timings', () => {
    expect(appContainer().readinessProbe).toMatchObject({ initialDelaySeconds: 10, periodSeconds: 5 });
    expect(appContainer().livenessProbe).toMatchObject({ initialDelaySeconds: 30, periodSeconds: 10 });
  });

  it('lets a pod finish its graceful shutdown before it is killed', () => {
    const preStop = appContainer().lifecycle?.preStop;
    const cmd = preStop?.exec?.command ?? [];
    const sleep = preStop?.sleep?.seconds ?? (cmd[0] === 'sleep' ? Number(cmd[1]) : 0);
    expect(sleep).toBeGreaterThanOrEqual(3);
    const cfg = loadConfig(resolveContainerEnv(appContainer(), envSources()).env);
    expect(cfg.SHUTDOWN_TIMEOUT_MS).toBe(25_000);
    expect(appSpec().terminationGracePeriodSeconds).toBe(35);
    expect(appSpec().terminationGracePeriodSeconds ?? 30).toBeGreaterThanOrEqual(
      sleep + cfg.SHUTDOWN_TIMEOUT_MS / 1000,
    );
  });

  it('rolls out without dropping below the disruption budget', () => {
    const pdb = k8sModel(PodDisruptionBudget, find(defaultDocs(), 'PodDisruptionBudget', 'sla-management-pdb'));
    expect(pdb.spec?.minAvailable).toBe(2);
    expect(pdb.spec?.selector?.matchLabels).toEqual({ app: 'sla-management' });
    expect(Number(pdb.spec?.minAvailable)).toBeLessThan(app().spec?.replicas ?? 1);
    expect(app().spec?.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
  });

  it('has a read-only root filesystem, with a writable /tmp', () => {
    expect(appContainer().securityContext?.readOnlyRootFilesystem).toBe(true);
    const tmp = appContainer().volumeMounts?.find((m) => m.mountPath === '/tmp');
    expect(appSpec().volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
  });

  it("runs as the image's user", () => {
    const user = parseDockerfile()
      .getInstructions()
      .filter((i) => i.getKeyword() === 'USER')
      .at(-1)
      ?.getArgumentsContent();
    expect(user?.split(':')[0]).toBe(String(appSpec().securityContext?.runAsUser));
  });
});

describe('app environment', () => {
  const resolved = () => resolveContainerEnv(appContainer(), envSources());

  it('takes ConfigMap sla-config, Secret sla-secrets and POD_ID from the downward API', () => {
    expect(appContainer().envFrom).toEqual([{ configMapRef: { name: 'sla-config' } }]);
    const { refs, env } = resolved();
    expect(refs.filter((r) => r.startsWith('Secret/')).sort()).toEqual(
      ['DATABASE_URL', 'INGEST_TOKENS', 'REDIS_URL', 'SESSION_SECRET'].map((k) => `Secret/sla-secrets/${k}`),
    );
    expect(appContainer().env?.find((e) => e.name === 'POD_ID')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    expect(env.POD_ID).toBe(envSources().podName);
  });

  it('ConfigMap sla-config has the documented values', () => {
    expect(objectData(configMap())).toEqual({
      NODE_ENV: 'production',
      // Probes and the Service reach the pod on its own IP, not its loopback.
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      CACHE_REFRESH_INTERVAL_HOURS: '6',
      SHUTDOWN_TIMEOUT_MS: '25000',
      NODE_OPTIONS: '--max-old-space-size=384 --max-semi-space-size=4',
    });
    // The heap cap leaves room under the container's 1Gi limit for code, buffers and the young generation.
    const cap = Number(/--max-old-space-size=(\d+)/.exec(objectData(configMap()).NODE_OPTIONS ?? '')?.[1]);
    expect(cap).toBeGreaterThan(0);
    expect(cap).toBeLessThanOrEqual(0.8 * 1024);
  });

  it('sets only variables the server reads', () => {
    for (const name of resolved().names) expect(ENV_KEYS, name).toContain(name);
    for (const key of Object.keys(objectData(find(exampleDocs(), 'Secret', 'sla-secrets'))))
      expect(ENV_KEYS, `sla-secrets ${key}`).toContain(key);
  });

  it('provides everything the configuration requires in production (secrets from the example)', () => {
    const cfg = loadConfig(resolved().env);
    expect(cfg.NODE_ENV).toBe('production');
    expect(cfg.CACHE_REFRESH_INTERVAL_HOURS).toBe(6);
    expect(cfg.embedded).toBe(false);
    expect(cfg.demo).toBe(false);
    expect(cfg.REDIS_URL).toBeTruthy();
    expect(cfg.podId).toBe(envSources().podName);
    expect(cfg.PORT).toBe(APP_PORT);
    expect(cfg.HOST).toBe('0.0.0.0');
  });

  it('shows that the production check is real: without the secrets the config is refused', () => {
    const { env } = resolved();
    delete env.SESSION_SECRET;
    delete env.INGEST_TOKENS;
    expect(() => loadConfig(env)).toThrow(/SESSION_SECRET[\s\S]*INGEST_TOKENS/);
  });

  it('points at the in-cluster services, with the Redis password of redis-auth', () => {
    const { env } = resolved();
    const redisUrl = new URL(env.REDIS_URL ?? '');
    expect(redisUrl.hostname).toBe('redis-service');
    expect(redisUrl.port).toBe('6379');
    expect(decodeURIComponent(redisUrl.password)).toBe(envSources().secrets.get('redis-auth')?.REDIS_PASSWORD);
    const dbUrl = new URL(env.DATABASE_URL ?? '');
    expect(dbUrl.hostname).toBe('postgres-service');
    expect(dbUrl.pathname).toBe('/sla_db');
  });
});

describe('secrets.example.yaml', () => {
  const text = lazy(() => readRepoFile('k8s/secrets.example.yaml'));

  it('says it is an example and is not applied by kustomize', () => {
    expect(text()).toMatch(/EXAMPLE ONLY - do not apply/);
    for (const d of exampleDocs()) expect(d.kind).toBe('Secret');
    expect(
      exampleDocs()
        .map((d) => d.name)
        .sort(),
    ).toEqual(['redis-auth', 'sla-secrets']);
  });

  it('holds placeholders only', () => {
    for (const d of exampleDocs())
      for (const [k, v] of Object.entries(objectData(d))) expect(v, `${d.name}.${k}`).toMatch(/CHANGE-ME/);
  });

  it('every secret key the manifests use is created by the documented kubectl commands', () => {
    const docs = readRepoFile('docs/operations.md');
    const keysOf = (secret: string, source: string) => {
      const cmd =
        new RegExp(`kubectl create secret generic ${secret}((?:[^\\n]*\\\\\\n)*[^\\n]*)`).exec(source)?.[1] ?? '';
      return [...cmd.matchAll(/--from-literal=([A-Z_]+)=/g)].map((m) => m[1]).sort();
    };
    const used = new Map<string, Set<string>>();
    for (const { spec } of pods())
      for (const c of spec.containers)
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref?.name && ref.key) used.set(ref.name, (used.get(ref.name) ?? new Set()).add(ref.key));
        }
    expect([...used.keys()].sort()).toEqual(['postgres-auth', 'redis-auth', 'sla-secrets']);
    for (const [secret, keys] of used) {
      expect(keysOf(secret, docs), `docs/operations.md creates ${secret}`).toEqual([...keys].sort());
      if (secret !== 'postgres-auth')
        expect(keysOf(secret, text()), `secrets.example.yaml comment creates ${secret}`).toEqual([...keys].sort());
    }
  });
});

describe('optional/postgres.yaml', () => {
  const statefulSet = lazy(() => k8sModel(StatefulSet, find(optionalDocs(), 'StatefulSet', 'postgres')));

  it('is a StatefulSet with postgres-service and a headless governing service', () => {
    const sts = statefulSet();
    const svc = k8sModel(Service, find(optionalDocs(), 'Service', 'postgres-service'));
    const headless = k8sModel(Service, find(optionalDocs(), 'Service', sts.spec?.serviceName ?? ''));
    expect(headless.spec?.clusterIP).toBe('None');
    for (const s of [svc, headless]) {
      expect(s.spec?.selector).toEqual(sts.spec?.selector.matchLabels);
      expect(s.spec?.ports?.map((p) => p.port)).toEqual([5432]);
    }
    expect(sts.spec?.template.metadata?.labels).toMatchObject(sts.spec?.selector.matchLabels ?? {});
    expect(sts.spec?.volumeClaimTemplates?.length).toBe(1);
  });

  it('creates the database and user the DATABASE_URL example names', () => {
    const c = container(podSpec(statefulSet()), 'postgres');
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    const dbUrl = new URL(resolveContainerEnv(appContainer(), envSources()).env.DATABASE_URL ?? '');
    expect(env.POSTGRES_DB).toBe(dbUrl.pathname.slice(1));
    expect(env.POSTGRES_USER).toBe(dbUrl.username);
    expect(c.image).toMatch(/^postgres:16\.\d+-alpine$/);
  });

  it('is documented as optional', () => {
    expect(readRepoFile('k8s/optional/postgres.yaml')).toMatch(/^# OPTIONAL/);
    expect(readRepoFile('k8s/kustomization.yaml')).toMatch(/optional\//);
  });
});
