import pg from 'pg';
import type { App } from '../../../src/bootstrap.js';
import { PG_URL, post, startPod, UPDATE } from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One token of each kind: an ingest token, an admin of each tenant, an admin of every tenant. */
export const TOKENS = {
  ingest: 'ingest-secret-1',
  finance: 'finance-admin-secret',
  engineering: 'engineering-admin-secret',
  root: 'root-admin-secret',
};
export const INGEST_TOKENS = [
  `ingest:poller=${TOKENS.ingest}`,
  `admin:fin-admin=${TOKENS.finance}@Finance`,
  `admin:de-admin=${TOKENS.engineering}@Data Engineering`,
  `admin:root=${TOKENS.root}`,
].join(',');

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A pod with the tokens above and Redis, with entities in `Data Engineering` (team PGM, two types) and `Finance`. */
export async function startPolicyPod(schema: string, env: Record<string, string> = {}): Promise<App> {
  const pod = await startPod({
    schema,
    INGEST_TOKENS,
    REDIS_URL,
    REDIS_KEY_PREFIX: uniquePrefix('policy'),
    ...env,
  });
  await seedByIngest(pod.url);
  return pod;
}

export async function seedByIngest(url: string): Promise<void> {
  const updates = [
    UPDATE,
    { ...UPDATE, entityName: 'orders_view', entityType: 'view' },
    { ...UPDATE, tenantName: 'Finance', teamName: 'Ledger', entityName: 'ledger_table' },
  ];
  const r = await post(url, '/api/cache/incremental-updates', { updates }, bearer(TOKENS.ingest));
  if (r.status !== 200) throw new Error(`seeding failed: ${r.status} ${r.text}`);
}

/** A valid one-off window for `tenantName` (Data Engineering by default). */
export const oneOff = (over: Record<string, unknown> = {}) => ({
  tenantName: 'Data Engineering',
  category: 'maintenance',
  reason: 'database upgrade',
  start: '2026-12-05T02:00:00Z',
  end: '2026-12-05T04:00:00Z',
  ...over,
});

/** Row counts of the window table and the audit log, read straight from PostgreSQL. */
export async function counts(schema: string): Promise<{ windows: number; audit: number; settings: number }> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const q = async (table: string) =>
      Number((await client.query(`SELECT count(*) AS n FROM "${schema}".${table}`)).rows[0].n);
    return {
      windows: await q('sla_maintenance_window'),
      audit: await q('sla_audit'),
      settings: await q('sla_tenant_settings'),
    };
  } finally {
    await client.end();
  }
}

/** A JSON request; `json` is the parsed answer (empty when not JSON). */
export async function request(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json, text, headers: res.headers };
}

/** The tRPC error or result of a call over HTTP (a query as GET, a mutation as POST). */
export async function trpc(
  url: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
  query = false,
) {
  if (query)
    return request(url, 'GET', `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, undefined, headers);
  return request(url, 'POST', `/trpc/${path}`, input, headers);
}
