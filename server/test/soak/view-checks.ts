import type { Pod, SoakCluster } from './cluster.js';

const DIFFERS = 'view differs from the refresh snapshot';
const REPAIRED = 'view repaired from redis';

/** What the pods' own view checks found over the soak (every process, killed ones included). */
export type ViewCheckTally = { mismatches: number; repairs: number; problems: string[] };

/** The view-check events of one process's JSON log, in order: 'differs' or 'repaired'. */
function events(stdout: string): ('differs' | 'repaired')[] {
  const out: ('differs' | 'repaired')[] = [];
  for (const line of stdout.split('\n')) {
    if (line.includes(DIFFERS)) out.push('differs');
    else if (line.includes(REPAIRED)) out.push('repaired');
  }
  return out;
}

/** `sla_view_checks_total{result="mismatch"}` of a running pod process. */
async function mismatchMetric(pod: Pod): Promise<number> {
  const text = await (await fetch(`${pod.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const m = /^sla_view_checks_total\{result="mismatch"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/**
 * Every mismatch a pod's view check found (`sla_view_checks_total{result="mismatch"}`, logged
 * as "view differs …") must have been repaired: a running process whose last mismatch has no
 * later "view repaired" is a problem (its view may still differ until the next refresh). The
 * log of every process is counted; for running ones the metric must agree with the log.
 */
export async function tallyViewChecks(cluster: SoakCluster): Promise<ViewCheckTally> {
  const tally: ViewCheckTally = { mismatches: 0, repairs: 0, problems: [] };
  for (const pod of cluster.pods) {
    for (const out of pod.pastOutput) {
      const ev = events(out);
      tally.mismatches += ev.filter((e) => e === 'differs').length;
      tally.repairs += ev.filter((e) => e === 'repaired').length;
    }
    if (!pod.proc) continue;
    const ev = events(pod.proc.stdout());
    const found = ev.filter((e) => e === 'differs').length;
    tally.mismatches += found;
    tally.repairs += ev.filter((e) => e === 'repaired').length;
    if (ev.at(-1) === 'differs')
      tally.problems.push(`${pod.name} found its view differing from a refresh snapshot and did not repair it`);
    const metric = await mismatchMetric(pod).catch(() => null);
    if (metric !== null && metric !== found)
      tally.problems.push(`${pod.name} counts ${metric} view mismatches in /metrics but logged ${found}`);
  }
  return tally;
}
