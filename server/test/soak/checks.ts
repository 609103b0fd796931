import pg from 'pg';
import { PG_URL } from '../support/app.js';
import { type EntityFacts, redisEntities } from '../support/consistency.js';
import type { Pod, SoakCluster } from './cluster.js';
import type { FaultEvent } from './faults.js';
import type { LoadRecord } from './load.js';

/** Reads may fail from a fault's start until this long after the harness undid it. */
export const GRACE_MS = 5_000;

type LogRow = { id: number; entity_name: string; current_sla: number; status: string; applied: boolean };
type EntityRow = { id: number; entity_name: string; version: number; current_sla: number; status: string };

async function pgRows(schema: string) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const log = await client.query(
      `SELECT id::int, entity_name, current_sla::float8, status, applied FROM "${schema}".sla_change ORDER BY id`,
    );
    const entities = await client.query(
      `SELECT id::int, entity_name, version::int, current_sla::float8, status FROM "${schema}".sla_entity`,
    );
    return { log: log.rows as LogRow[], entities: entities.rows as EntityRow[] };
  } finally {
    await client.end();
  }
}

/** A pod's whole view over HTTP, id → facts (paged through `entities.list`). */
export async function podView(pod: Pod): Promise<Map<number, EntityFacts>> {
  const out = new Map<number, EntityFacts>();
  for (let offset = 0; ; offset += 500) {
    const input = encodeURIComponent(JSON.stringify({ limit: 500, offset, sort: 'entityName', dir: 'asc' }));
    const res = (await (await fetch(`${pod.url}/trpc/entities.list?input=${input}`)).json()) as {
      result: { data: { items: { id: number; version: number; currentSla: number; status: string }[]; total: number } };
    };
    const { items, total } = res.result.data;
    for (const e of items) out.set(e.id, { version: e.version, currentSla: e.currentSla, status: e.status });
    if (items.length === 0 || offset + items.length >= total) return out;
  }
}

const firstDifference = (a: Map<number, EntityFacts>, b: Map<number, EntityFacts>): string | null => {
  for (const [id, x] of a) {
    const y = b.get(id);
    if (!y || y.version !== x.version || y.currentSla !== x.currentSla || y.status !== x.status)
      return `entity ${id}: ${JSON.stringify(x)} vs ${JSON.stringify(y ?? null)}`;
  }
  for (const id of b.keys()) if (!a.has(id)) return `entity ${id} missing on the left`;
  return null;
};

/** Views, Redis and PostgreSQL agree and every pod is back in redis mode: the quiet-period state. */
export async function convergence(cluster: SoakCluster): Promise<string[]> {
  const { entities } = await pgRows(cluster.schema);
  const truth = new Map(
    entities.map((e) => [e.id, { version: e.version, currentSla: e.current_sla, status: e.status }] as const),
  );
  const problems: string[] = [];
  for (const pod of cluster.pods) {
    const status = (await (await fetch(`${pod.url}/api/cache/status`)).json()) as { mode: string };
    if (status.mode !== 'redis') problems.push(`${pod.name} is in ${status.mode} mode`);
    const diff = firstDifference(truth, await podView(pod));
    if (diff) problems.push(`${pod.name}'s view differs from PostgreSQL: ${diff}`);
  }
  const diff = firstDifference(truth, await redisEntities(cluster.redis.url, cluster.prefix));
  if (diff) problems.push(`Redis differs from PostgreSQL: ${diff}`);
  return problems;
}

/** Every invariant of the soak that the record and PostgreSQL can show; returns the violations. */
export async function checkRecord(cluster: SoakCluster, rec: LoadRecord, faults: FaultEvent[]): Promise<string[]> {
  const problems: string[] = [];
  const { log, entities } = await pgRows(cluster.schema);
  const byId = new Map(log.map((r) => [r.id, r]));
  if (log.some((r, i) => r.id !== i + 1)) problems.push('change ids in PostgreSQL are not 1..N without a gap');

  // Every acknowledged change is in the log as acknowledged.
  for (const a of rec.acks) {
    if (a.changeId === null) continue;
    const row = byId.get(a.changeId);
    if (!row || row.entity_name !== a.entityName || row.current_sla !== a.currentSla || row.status !== a.status) {
      problems.push(`acknowledged change ${a.changeId} (${a.entityName}) is not in the log as acknowledged`);
      break;
    }
  }
  // Each entity is its last acknowledged observation, or a later attempt the log shows committed.
  const lastAck = new Map<string, (typeof rec.acks)[number]>();
  for (const a of rec.acks) if (a.outcome === 'applied') lastAck.set(a.entityName, a);
  const state = new Map(entities.map((e) => [e.entity_name, e]));
  for (const [name, a] of lastAck) {
    const e = state.get(name);
    if (!e) {
      problems.push(`entity ${name} was acknowledged but is not in PostgreSQL`);
      break;
    }
    if (e.current_sla === a.currentSla && e.status === a.status) continue;
    const row = byId.get(e.version);
    const laterAttempt = rec.attempts.some(
      (t) => t.entityName === name && t.at >= a.at && t.currentSla === e.current_sla && t.status === e.status,
    );
    if (!(row && row.id > (a.changeId ?? 0) && laterAttempt)) {
      problems.push(
        `entity ${name} is ${e.current_sla}/${e.status}; its last acknowledged result was ${a.currentSla}/${a.status}`,
      );
      break;
    }
  }
  // No 5xx other than 503.
  const bad = [...rec.reads, ...rec.writes].filter((s) => s.status >= 500 && s.status !== 503);
  if (bad.length) problems.push(`${bad.length} answers were 5xx other than 503, e.g. ${JSON.stringify(bad[0])}`);
  // No read failed outside a fault's window.
  const covered = (at: number) => faults.some((f) => at >= f.start - 100 && at <= f.end + GRACE_MS);
  const failed = rec.reads.filter((s) => s.status !== 200 && !covered(s.at));
  if (failed.length)
    problems.push(`${failed.length} reads failed outside any fault window, e.g. ${JSON.stringify(failed[0])}`);
  // Subscribers: every change id from the first seen to the head, once, ascending.
  const head = log.at(-1)?.id ?? 0;
  for (const s of rec.subscribers) {
    const first = s.ids[0];
    if (first === undefined) {
      problems.push(`the subscriber on ${s.pod} received nothing`);
      continue;
    }
    const wrong = s.ids.findIndex((id, i) => id !== first + i);
    if (wrong >= 0)
      problems.push(
        `the subscriber on ${s.pod} got id ${s.ids[wrong]} where ${first + wrong} was due (after ${s.ids[wrong - 1]})`,
      );
    else if (s.ids.at(-1) !== head)
      problems.push(`the subscriber on ${s.pod} stopped at ${s.ids.at(-1)}; the head is ${head}`);
  }
  // No pod crashed except by the harness.
  for (const p of cluster.pods) for (const c of p.crashes) problems.push(`${p.name} crashed: ${c}`);
  return problems;
}
