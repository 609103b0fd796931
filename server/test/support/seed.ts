import pg from 'pg';
import { PG_URL } from './app.js';

/**
 * Fills a migrated schema with `count` entities (and one change each, so change ids and
 * versions line up), straight in SQL: fast enough for a million rows.
 */
export async function seedEntities(schema: string, count: number, tenant = 'Bulk', url = PG_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${schema}"`);
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO sla_entity (id, tenant_name, team_name, entity_type, entity_name, sla_target, current_sla, status,
                               status_since, observed_at, updated_at, version)
       SELECT g, $2, 'team-' || (g % 12), 'table', 'entity_' || g, 99, 90 + (g % 1000) / 100.0,
              CASE WHEN g % 10 = 0 THEN 'Failed' ELSE 'Passed' END, now(), now(), now(), g
         FROM generate_series(1, $1::int) g`,
      [count, tenant],
    );
    await client.query(`SELECT setval(pg_get_serial_sequence('sla_entity', 'id'), $1::int)`, [count]);
    await client.query(
      `INSERT INTO sla_change (id, entity_id, tenant_name, team_name, entity_type, entity_name, current_sla, status,
                               sla_target, status_since, observed_at, received_at, applied, source)
       SELECT id, id, tenant_name, team_name, entity_type, entity_name, current_sla, status, sla_target,
              status_since, observed_at, updated_at, true, 'seed'
         FROM sla_entity`,
    );
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

/** Creates the schema's tables by booting (and closing) a pod with no Redis. */
export async function migratedSchema(schema: string): Promise<void> {
  const { startPod } = await import('./app.js');
  const app = await startPod({ schema });
  await app.close();
}

/**
 * Fills a migrated schema with a change log much longer than its entity count: `changes`
 * changes (ids 1..changes, received three days ago) over `entities` entities of tenant
 * `Bulk`, the last `recent` of them on entities of their own in tenant `Recent`; each
 * entity's state is its newest change, as ingest would leave it.
 */
export async function seedLongLog(schema: string, entities: number, changes: number, recent = 5): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${schema}"`);
    await client.query('BEGIN');
    const bulk = changes - recent;
    await client.query(
      `INSERT INTO sla_change (id, entity_id, tenant_name, team_name, entity_type, entity_name, current_sla, status,
                               sla_target, status_since, observed_at, received_at, applied, source)
       SELECT g, e, t, 'team-' || (e % 7), 'table', 'entity_' || e, (g % 10000) / 100.0,
              CASE WHEN g % 10 = 0 THEN 'Failed' ELSE 'Passed' END, 95, at, at, at, true, 'seed'
         FROM (SELECT g,
                      CASE WHEN g <= $2 THEN (g - 1) % $3 + 1 ELSE $3 + g - $2 END AS e,
                      CASE WHEN g <= $2 THEN 'Bulk' ELSE 'Recent' END AS t,
                      now() - interval '3 days' + g * interval '1 ms' AS at
                 FROM generate_series(1, $1::int) g) s`,
      [changes, bulk, entities],
    );
    await client.query(
      `INSERT INTO sla_entity (id, tenant_name, team_name, entity_type, entity_name, sla_target, current_sla, status,
                               status_since, observed_at, updated_at, version)
       SELECT DISTINCT ON (entity_id) entity_id, tenant_name, team_name, entity_type, entity_name, sla_target,
              current_sla, status, status_since, observed_at, received_at, id
         FROM sla_change ORDER BY entity_id, id DESC`,
    );
    await client.query(`SELECT setval(pg_get_serial_sequence('sla_entity', 'id'), (SELECT max(id) FROM sla_entity))`);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
