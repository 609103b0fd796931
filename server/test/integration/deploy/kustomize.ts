import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { isRecord, type K8sDoc, loadK8s, parseYamlFile, readRepoFile, repoPath, splitImage } from './manifests.js';

/**
 * `kubectl kustomize` for the subset of kustomize that k8s/ uses, so the tests see what
 * `kubectl apply -k` applies on machines without kubectl (CI has none). Supported: resources
 * (files and directories), configMapGenerator with files and no name hash, patches
 * (strategic merge: `$patch: delete`, maps merged, lists of named items merged by name),
 * images. A kustomization using anything else is refused, so a new feature cannot be
 * ignored silently; `kubectlKustomize` cross-checks the result where kubectl exists.
 */

const KUSTOMIZATION = z.strictObject({
  apiVersion: z.literal('kustomize.config.k8s.io/v1beta1'),
  kind: z.literal('Kustomization'),
  resources: z.array(z.string()).min(1),
  images: z.array(z.strictObject({ name: z.string(), newName: z.string(), newTag: z.string() })).optional(),
  configMapGenerator: z.array(z.strictObject({ name: z.string(), files: z.array(z.string()).min(1) })).optional(),
  // A name hash would rename the ConfigMap and every reference to it; not modelled here.
  generatorOptions: z
    .strictObject({ disableNameSuffixHash: z.literal(true), labels: z.record(z.string(), z.string()).optional() })
    .optional(),
  patches: z.array(z.strictObject({ path: z.string() })).optional(),
});
export type Kustomization = z.infer<typeof KUSTOMIZATION>;

/** The parsed kustomization.yaml of a directory (relative to the repository root). */
export function readKustomization(dir: string): Kustomization {
  return KUSTOMIZATION.parse(parseYamlFile(`${dir}/kustomization.yaml`)[0]);
}

/** Every object `kubectl kustomize <dir>` would print, with the file each came from. */
export function kustomizeBuild(dir: string): K8sDoc[] {
  const k = readKustomization(dir);
  if (k.configMapGenerator && !k.generatorOptions) throw new Error(`${dir}: configMapGenerator needs generatorOptions`);
  let docs = k.resources.flatMap((r) => {
    const rel = path.posix.normalize(`${dir}/${r}`);
    return statSync(repoPath(rel)).isDirectory() ? kustomizeBuild(rel) : loadK8s([rel]);
  });
  for (const gen of k.configMapGenerator ?? []) docs.push(generatedConfigMap(dir, gen, k.generatorOptions?.labels));
  for (const p of k.patches ?? []) docs = applyPatchFile(docs, `${dir}/${p.path}`);
  for (const image of k.images ?? []) for (const d of docs) setImage(d.raw, image);
  const seen = new Set<string>();
  for (const d of docs) {
    const id = `${d.kind}/${d.name}`;
    if (seen.has(id)) throw new Error(`${dir}: ${id} is defined twice`);
    seen.add(id);
  }
  return docs;
}

function generatedConfigMap(
  dir: string,
  gen: { name: string; files: string[] },
  labels: Record<string, string> | undefined,
): K8sDoc {
  const data = Object.fromEntries(gen.files.map((f) => [path.posix.basename(f), readRepoFile(`${dir}/${f}`)]));
  const metadata = { name: gen.name, ...(labels ? { labels } : {}) };
  const raw = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
  return { file: `${dir}/kustomization.yaml`, apiVersion: 'v1', kind: 'ConfigMap', name: gen.name, raw };
}

function applyPatchFile(docs: K8sDoc[], file: string): K8sDoc[] {
  let out = docs;
  for (const patch of parseYamlFile(file)) {
    if (!isRecord(patch) || !isRecord(patch.metadata)) throw new Error(`${file}: a patch is not an object`);
    const { kind, metadata } = patch;
    const target = out.find((d) => d.kind === kind && d.name === metadata.name);
    if (!target) throw new Error(`${file}: no ${String(kind)} ${String(metadata.name)} to patch`);
    if (patch.$patch === 'delete') out = out.filter((d) => d !== target);
    else {
      const raw = strategicMerge(target.raw, patch) as Record<string, unknown>;
      out = out.map((d) => (d === target ? { ...d, raw } : d));
    }
  }
  return out;
}

const isNamedList = (v: unknown): v is Record<string, unknown>[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => isRecord(x) && typeof x.name === 'string');

/**
 * Strategic merge as kustomize applies it to these manifests: maps merge key by key; lists
 * whose items all have a `name` (containers, env, volumes, ports) merge item by item, new
 * items first; any other value is replaced.
 */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (isRecord(target) && isRecord(patch)) {
    const out: Record<string, unknown> = { ...target };
    for (const [k, v] of Object.entries(patch)) out[k] = k in target ? strategicMerge(target[k], v) : v;
    return out;
  }
  if (isNamedList(target) && isNamedList(patch)) {
    const added = patch.filter((p) => !target.some((t) => t.name === p.name));
    const merged = target.map((t) => {
      const p = patch.find((x) => x.name === t.name);
      return p ? strategicMerge(t, p) : t;
    });
    return [...added, ...merged];
  }
  return patch;
}

/** kustomize's `images:` transformer on every container of a workload. */
function setImage(raw: Record<string, unknown>, image: { name: string; newName: string; newTag: string }): void {
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (isRecord(v)) {
      if (typeof v.image === 'string' && typeof v.name === 'string' && splitImage(v.image).name === image.name)
        v.image = `${image.newName}:${image.newTag}`;
      for (const x of Object.values(v)) visit(x);
    }
  };
  visit(raw.spec);
}

/** Directories under `dir` holding a kustomization.yaml (the overlays). */
export function kustomizationsUnder(dir: string): string[] {
  return readdirSync(repoPath(dir))
    .filter((d) => statSync(repoPath(`${dir}/${d}`)).isDirectory())
    .map((d) => `${dir}/${d}`)
    .filter((d) => readdirSync(repoPath(d)).includes('kustomization.yaml'))
    .sort();
}

/** Whether a `kubectl` with kustomize built in can be run here. */
export const hasKubectl = (): boolean =>
  spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

/** `kubectl kustomize <dir>` parsed into objects keyed `Kind/name`. */
export function kubectlKustomize(dir: string): Map<string, unknown> {
  const run = spawnSync('kubectl', ['kustomize', repoPath(dir)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${run.stderr}`);
  const docs = z
    .array(z.looseObject({ kind: z.string(), metadata: z.looseObject({ name: z.string() }) }))
    .parse(parseAllDocuments(run.stdout).map((d) => d.toJS()));
  return new Map(docs.map((d) => [`${d.kind}/${d.metadata.name}`, d]));
}
