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
