import { expect } from 'vitest';
import { query } from '../integration/ingest/helpers.js';
import { PG_URL, post, UPDATE } from '../support/app.js';

export const PG_PORT = Number(new URL(PG_URL).port || 5432);

/** The test database's URL with the port of a proxy in front of it. */
export function proxiedUrl(port: number): string {
  const url = new URL(PG_URL);
  url.port = String(port);
  return url.toString();
}

export type Sent = {
  name: string;
  status: number;
  ms: number;
  changeId?: number;
  retryAfter: string | null;
  message: unknown;
};

/** One single-update ingest of entity `name`, timed. */
export async function send(url: string, name: string): Promise<Sent> {
  const started = Date.now();
  const r = await post(url, '/api/cache/incremental-update', { ...UPDATE, entityName: name });
  return {
    name,
    status: r.status,
    ms: Date.now() - started,
    changeId: r.json?.changeId as number | undefined,
    retryAfter: r.headers.get('retry-after'),
    message: r.json?.message,
  };
}

/**
 * Every change row has its entity row, and change ids are 1..N without a gap. Returns
 * change id → entity name, to check that accepted updates are all there.
 */
export async function checkNothingHalfWritten(schema: string): Promise<Map<number, string>> {
  const rows = await query<{ id: string; entity_name: string; entity_ok: boolean }>(
    `SELECT c.id, c.entity_name, e.id IS NOT NULL AND e.entity_name = c.entity_name AS entity_ok
       FROM "${schema}".sla_change c LEFT JOIN "${schema}".sla_entity e ON e.id = c.entity_id ORDER BY c.id`,
  );
  expect(rows.filter((r) => !r.entity_ok)).toEqual([]);
  expect(rows.map((r) => Number(r.id))).toEqual(rows.map((_, i) => i + 1));
  return new Map(rows.map((r) => [Number(r.id), r.entity_name]));
}

export type Answer = { route: string; status: number; ms: number; retryAfter: string | null; message: string };

const trpcInput = (input: unknown) => `input=${encodeURIComponent(JSON.stringify(input))}`;

/**
 * Every request that needs PostgreSQL to answer, as a client sends it: recent changes
 * below the pod's replay ring (REST and tRPC), an entity's history, a full refresh (REST
 * and tRPC). `cursor` must lie below the ring (seed more changes than it holds).
 */
export function postgresBackedRequests(
  cursor: number,
  entityId: number,
): { route: string; init: RequestInit & { path: string } }[] {
  const json = { 'content-type': 'application/json' };
  return [
    {
      route: 'GET /api/cache/recent-changes (below the ring)',
      init: { path: `/api/cache/recent-changes?limit=5&cursor=${cursor}` },
    },
    {
      route: 'tRPC cache.recentChanges (below the ring)',
      init: { path: `/trpc/cache.recentChanges?${trpcInput({ limit: 5, cursor })}` },
    },
    {
      route: 'tRPC entities.history',
      init: { path: `/trpc/entities.history?${trpcInput({ id: entityId, days: 30 })}` },
    },
    {
      route: 'POST /api/cache/refresh',
      init: { path: '/api/cache/refresh', method: 'POST', headers: json, body: '{}' },
    },
    {
      route: 'tRPC cache.refresh',
      init: { path: '/trpc/cache.refresh?batch=1', method: 'POST', headers: json, body: '{}' },
    },
  ];
}

/** Sends one request and reads status, Retry-After and the error message (REST `message` or tRPC `error.message`). */
export async function ask(url: string, route: string, init: RequestInit & { path: string }): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(`${url}${init.path}`, init);
  const text = await res.text();
  let message = '';
  try {
    type Body = { message?: string; error?: { message?: string } };
    const parsed = JSON.parse(text) as Body | Body[];
    const body = (Array.isArray(parsed) ? parsed[0] : parsed) ?? {};
    message = body.error?.message ?? body.message ?? '';
  } catch {}
  return { route, status: res.status, ms: Date.now() - started, retryAfter: res.headers.get('retry-after'), message };
}
