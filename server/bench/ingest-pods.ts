import { readFileSync } from 'node:fs';
import { type PodProcess, spawnPod } from '../test/support/app.js';

/**
 * A pod as its own OS process, as in production, so the pid is the pod's own (for CPU
 * accounting). With `profileDir`, node runs it with --cpu-prof (not allowed in
 * NODE_OPTIONS), and the profile is written there when the pod exits after SIGTERM. `bundle`:
 * the production bundle (dist/main.js, built by `pnpm bench`) rather than the sources through tsx.
 */
export function startPodProcess(
  env: Record<string, string>,
  profileDir?: string,
  opts: { bundle?: boolean } = {},
): Promise<PodProcess> {
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  return spawnPod(env, 60_000, { nodeArgs, ...opts });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/**
 * Self time by function (top `n`) and inclusive time of frames whose url matches each
 * pattern, over the samples taken after the first `skipSeconds` (start-up) of the profile.
 */
export function summariseProfile(profile: Profile, n = 25, groups: RegExp[] = [], skipSeconds = 0) {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const hits = new Map<number, number>();
  let t = 0;
  let total = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (t < skipSeconds * 1e6) return;
    hits.set(id, (hits.get(id) ?? 0) + 1);
    total++;
  });
  const name = (f: ProfileNode['callFrame']) =>
    `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/server\//, '')}:${f.lineNumber + 1}`;
  const self = new Map<string, number>();
  for (const [id, h] of hits) {
    const key = name((byId.get(id) as ProfileNode).callFrame);
    self.set(key, (self.get(key) ?? 0) + h);
  }
  const inclusive = (g: RegExp) => {
    let sum = 0;
    for (const [id, h] of hits)
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
        if (g.test((byId.get(at) as ProfileNode).callFrame.url)) {
          sum += h;
          break;
        }
    return sum;
  };
  const pct = (h: number) => `${((100 * h) / total).toFixed(1)}%`;
  return {
    top: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, h]) => `${pct(h).padStart(6)}  ${k}`),
    groups: groups.map((g) => `${pct(inclusive(g)).padStart(6)}  ${g.source}`),
  };
}
