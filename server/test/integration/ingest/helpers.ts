import type { Change } from '@sla/shared';
import { createTRPCClient, createWSClient, httpBatchLink, wsLink } from '@trpc/client';
import { Redis } from 'ioredis';
import pg from 'pg';
import WebSocket from 'ws';
import type { AppRouter } from '../../../src/app-router.js';
import { eventually, PG_URL } from '../../support/app.js';

/** Runs one query against the shared PostgreSQL server on a short-lived connection. */
export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Row counts of the two tables ingest writes, in one schema. */
export async function rowCounts(schema: string): Promise<{ changes: number; entities: number }> {
  const [row] = await query<{ changes: string; entities: string }>(
    `SELECT (SELECT count(*) FROM "${schema}".sla_change) AS changes, (SELECT count(*) FROM "${schema}".sla_entity) AS entities`,
  );
  return { changes: Number(row?.changes), entities: Number(row?.entities) };
}

/** Entities Redis holds per generation (the HLEN of its buckets summed), keyed by `<generation>:<nonce>`. */
export async function redisEntityCounts(url: string, prefix: string): Promise<Record<string, number>> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    // Bucket keys are `<prefix>{b<n>}:<generation>:<nonce>`: summed per generation attempt.
    const keys = await redis.keys(`${prefix}{b*}:*`);
    const out: Record<string, number> = {};
    for (const k of keys.sort()) {
      const generation = k.slice(k.indexOf('}:') + 2);
      out[generation] = (out[generation] ?? 0) + (await redis.hlen(k));
    }
    return out;
  } finally {
    redis.disconnect();
  }
}

/** A tRPC client over HTTP (queries and mutations), with optional extra headers. */
export const httpClient = (url: string, headers: Record<string, string> = {}) =>
  createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${url}/trpc`, headers })] });

export type Subscriber = {
  /** Change ids in the order they arrived. */
  ids: number[];
  /** Ids the tRPC envelope carried (tracked ids), as received. */
  trackedIds: string[];
  changes: Change[];
  errors: unknown[];
  waitForCount(n: number, ms?: number): Promise<void>;
  close(): Promise<void>;
};

/** Subscribes to `cache.onChange` over WebSocket on a fresh client. */
export async function subscribeChanges(url: string, input: { lastEventId?: string } = {}): Promise<Subscriber> {
  const ws = createWSClient({
    url: `${url.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  const s: Subscriber = {
    ids: [],
    trackedIds: [],
    changes: [],
    errors: [],
    waitForCount: (n, ms = 30_000) => eventually(() => s.ids.length >= n, ms, `${n} changes (have ${s.ids.length})`),
    close: async () => {
      sub.unsubscribe();
      await ws.close();
    },
  };
  let started!: () => void;
  const ready = new Promise<void>((r) => {
    started = r;
  });
  const sub = client.cache.onChange.subscribe(input, {
    onStarted: () => started(),
    onData: (envelope) => {
      s.trackedIds.push(envelope.id);
      s.ids.push(envelope.data.id);
      s.changes.push(envelope.data);
    },
    onError: (err) => {
      s.errors.push(err);
      // A refused cursor fails the subscription before it starts.
      started();
    },
  });
  await ready;
  return s;
}

/** The one epoch of a subscriber's tracked ids, checking each is `<epoch>:<the change's id>`. */
export function trackedEpoch(s: Subscriber): string {
  const epoch = s.trackedIds[0]?.split(':')[0] ?? '';
  if (!/^[0-9a-f]{12}$/.test(epoch)) throw new Error(`tracked id ${s.trackedIds[0]} does not start with an epoch`);
  const expected = s.ids.map((id) => `${epoch}:${id}`);
  if (JSON.stringify(expected) !== JSON.stringify(s.trackedIds)) throw new Error('tracked ids are not <epoch>:<id>');
  return epoch;
}

/** 1, 2, …, n (or from..to inclusive). */
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** An update for entity `i` of a small fixed population. */
export const updateFor = (i: number, extra: Record<string, unknown> = {}) => ({
  entityName: `entity_${i}`,
  entityType: i % 2 ? 'table' : 'job',
  teamName: `team_${i % 5}`,
  tenantName: i % 3 ? 'Data Engineering' : 'Analytics',
  currentSla: Math.round(Math.random() * 10_000) / 100,
  status: (['Passed', 'Failed', 'AtRisk', 'NoData'] as const)[i % 4],
  ...extra,
});
