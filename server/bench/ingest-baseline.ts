import pg from 'pg';

const COLUMNS = `tenant_name, team_name, entity_type, entity_name, sla_target, current_sla, status, status_since,
  observed_at, updated_at, version, details`;
const UPSERT_SET = `ON CONFLICT (tenant_name, team_name, entity_type, entity_name) DO UPDATE SET
  current_sla = excluded.current_sla, status = excluded.status, observed_at = excluded.observed_at,
  updated_at = excluded.updated_at, version = excluded.version`;

export type Row = { tenant: string; team: string; type: string; name: string; sla: number; status: string };

export type BaselineResult = { rows: number; seconds: number; perSecond: number };

async function clients(url: string, schema: string, n: number): Promise<pg.Client[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await c.connect();
      return c;
    }),
  );
}

/** A table shaped like sla_entity (columns, defaults, unique identity index), empty. */
export async function createBaselineTable(url: string, schema: string): Promise<void> {
  const [c] = await clients(url, schema, 1);
  await c?.query('DROP TABLE IF EXISTS baseline_entity');
  await c?.query(
    'CREATE TABLE baseline_entity (LIKE sla_entity INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)',
  );
  await c?.end();
}

/** `total` rows, each its own INSERT … ON CONFLICT statement (autocommit), over `connections` connections. */
export async function singleRowUpserts(
  url: string,
  schema: string,
  total: number,
  connections: number,
  row: (i: number) => Row,
): Promise<BaselineResult> {
  const cs = await clients(url, schema, connections);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    cs.map(async (c) => {
      for (let i = next++; i < total; i = next++) {
        const r = row(i);
        const now = new Date();
        await c.query(
          `INSERT INTO baseline_entity (${COLUMNS}) VALUES ($1, $2, $3, $4, 95, $5, $6, $7, $7, $7, $8, NULL) ${UPSERT_SET}`,
          [r.tenant, r.team, r.type, r.name, r.sla, r.status, now, i + 1],
        );
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(cs.map((c) => c.end()));
  return { rows: total, seconds, perSecond: total / seconds };
}

/** `total` rows in statements of `batch` rows (INSERT … SELECT FROM unnest(arrays) … ON CONFLICT). */
export async function batchUpserts(
  url: string,
  schema: string,
  total: number,
  batch: number,
  connections: number,
  row: (i: number) => Row,
): Promise<BaselineResult> {
  const cs = await clients(url, schema, connections);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    cs.map(async (c) => {
      for (let from = next; from < total; from = next) {
        next += batch;
        const rows = Array.from({ length: Math.min(batch, total - from) }, (_, k) => row(from + k));
        const now = new Date().toISOString();
        await c.query(
          `INSERT INTO baseline_entity (${COLUMNS})
           SELECT t, m, y, n, 95, s, st, $7::timestamptz, $7::timestamptz, $7::timestamptz, $8::bigint, NULL
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[]) AS u(t, m, y, n, s, st)
           ${UPSERT_SET}`,
          [
            rows.map((r) => r.tenant),
            rows.map((r) => r.team),
            rows.map((r) => r.type),
            rows.map((r) => r.name),
            rows.map((r) => r.sla),
            rows.map((r) => r.status),
            now,
            from + 1,
          ],
        );
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(cs.map((c) => c.end()));
  return { rows: total, seconds, perSecond: total / seconds };
}
