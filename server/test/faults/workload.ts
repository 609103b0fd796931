import { expect } from 'vitest';
import { post } from '../support/app.js';

export type Workload = {
  stop: () => Promise<void>;
  accepted: number[];
  failedWrites: string[];
  failedReads: string[];
  slowest: { ms: number; what: string };
};

const STATUSES = ['Passed', 'Failed', 'AtRisk', 'NoData'] as const;

/** Writers and readers against pods, recording every accepted change, every failure and the slowest request. */
export function runWorkload(
  pods: { url: string }[],
  opts: { writersPerPod?: number; entities?: number; tenant?: string } = {},
): Workload {
  const w: Workload = {
    stop: async () => undefined,
    accepted: [],
    failedWrites: [],
    failedReads: [],
    slowest: { ms: 0, what: '' },
  };
  let running = true;
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      const ms = Date.now() - t;
      if (ms > w.slowest.ms) w.slowest = { ms, what: `${what} started at ${t % 100_000}` };
    }
  };
  const writer = async (app: { url: string }, n: number) => {
    for (let i = 0; running; i++) {
      const sla = Math.round(Math.random() * 10000) / 100;
      const body = {
        tenantName: opts.tenant ?? 'Fault Tenant',
        teamName: `team-${n % 3}`,
        entityType: 'job',
        entityName: `job_${(i * 7 + n) % (opts.entities ?? 40)}`,
        currentSla: sla,
        status: STATUSES[i % 4],
      };
      const r = await timed('write', () => post(app.url, '/api/cache/incremental-update', body)).catch(
        (e: Error) => ({ status: 0, json: { message: e.message } }) as const,
      );
      if (r.status === 200) w.accepted.push(Number((r.json as { changeId: number }).changeId));
      else w.failedWrites.push(`${r.status} ${JSON.stringify(r.json)}`);
    }
  };
  const reader = async (app: { url: string }) => {
    const paths = [
      '/api/cache/status',
      '/api/cache/recent-changes?limit=20',
      '/trpc/entities.summary',
      '/trpc/entities.list?input=%7B%22limit%22%3A20%7D',
    ];
    for (let i = 0; running; i++) {
      const path = paths[i % paths.length] as string;
      const ok = await timed(`read ${path}`, () =>
        fetch(`${app.url}${path}`).then(
          (r) => r.status === 200,
          () => false,
        ),
      );
      if (!ok) w.failedReads.push(path);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const loops = pods.flatMap((app) => [
    ...Array.from({ length: opts.writersPerPod ?? 3 }, (_, n) => writer(app, n)),
    reader(app),
  ]);
  w.stop = async () => {
    running = false;
    await Promise.all(loops);
  };
  return w;
}

/**
 * One writer posting single updates to `url` back to back — tenant `tenantName`, team `T`,
 * jobs `job_0 … job_<entities-1>` in turn — each expected to answer 200, until `stop` and
 * at least `minimum` writes; `onWrite` gets each request's duration in ms.
 */
export function steadyWrites(
  url: string,
  tenantName: string,
  opts: { entities: number; minimum?: number; onWrite?: (ms: number) => void },
): { stop: () => Promise<void> } {
  let writing = true;
  const loop = (async () => {
    for (let i = 0; writing || i < (opts.minimum ?? 0); i++) {
      const t = Date.now();
      const r = await post(url, '/api/cache/incremental-update', {
        tenantName,
        teamName: 'T',
        entityType: 'job',
        entityName: `job_${i % opts.entities}`,
        currentSla: i % 100,
        status: 'Passed',
      });
      expect(r.status).toBe(200);
      opts.onWrite?.(Date.now() - t);
    }
  })();
  return {
    stop: () => {
      writing = false;
      return loop;
    },
  };
}
