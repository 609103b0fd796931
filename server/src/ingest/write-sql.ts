import { boolArray, jsonArray, numberArray, textArray } from '../db/pg-array.js';
import type { PlannedChange, StoredState } from './plan.js';

/**
 * The ingest statements' SQL and parameters. Rows travel as one array per column
 * (`unnest`), times as epoch milliseconds: PostgreSQL reads both several times faster
 * than a JSON recordset of ISO 8601 strings, and the pod skips `toISOString` per time.
 */

/** Epoch ms (bigint) → timestamptz, exactly for every year 0001–9999 (whole seconds through float8, then the ms). */
export const fromMs = (col: string) =>
  `(to_timestamp((${col} / 1000)::float8) + (${col} % 1000) * interval '1 millisecond')`;
/**
 * timestamptz → epoch ms. `date_part` is float8 (a third cheaper than `extract`'s numeric
 * for a load of 1,000 states): whole milliseconds of the years 0001–9999 round back exactly.
 */
export const toMs = (col: string) => `round(date_part('epoch', ${col}) * 1000)`;

/** Epoch-ms array parameter for `fromMs`: whole milliseconds, as a `Date` would hold them (fractions are cut). */
export const msArray = (values: readonly number[]) =>
  numberArray(values.every(Number.isInteger) ? values : values.map((v) => Math.trunc(v)));

/** Joins `sla_entity e` to rows `k(t, m, y, n)` on the identity. */
export const ON_IDENTITY = 'e.tenant_name = k.t AND e.team_name = k.m AND e.entity_type = k.y AND e.entity_name = k.n';

const ENTITY_COLUMNS = `tenant_name, team_name, entity_type, entity_name, sla_target, current_sla, status,
  status_since, observed_at, updated_at, version, details`;

/**
 * Inserts entities (new identities; an existing one is overwritten) and returns their ids
 * with their identity. Here and in UPDATE_ENTITIES_SQL an entity keeps its stored `details`
 * unless the update brings its own: the states loaded for planning leave details out.
 */
export const UPSERT_ENTITIES_SQL = `INSERT INTO sla_entity (${ENTITY_COLUMNS})
  SELECT t, m, y, n, target, sla, st, ${fromMs('since')}, ${fromMs('obs')}, ${fromMs('upd')}, ver, det::jsonb
    FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::float8[], ?::float8[], ?::text[], ?::bigint[],
                ?::bigint[], ?::bigint[], ?::bigint[], ?::text[]) AS x(t, m, y, n, target, sla, st, since, obs, upd, ver, det)
  ON CONFLICT (tenant_name, team_name, entity_type, entity_name) DO UPDATE SET
    sla_target = excluded.sla_target, current_sla = excluded.current_sla, status = excluded.status,
    status_since = excluded.status_since, observed_at = excluded.observed_at, updated_at = excluded.updated_at,
    version = excluded.version, details = coalesce(excluded.details, sla_entity.details)
  RETURNING id, tenant_name, team_name, entity_type, entity_name`;

/** Parameters of UPSERT_ENTITIES_SQL. */
export const upsertParams = (s: readonly StoredState[]) => [
  textArray(s.map((e) => e.tenantName)),
  textArray(s.map((e) => e.teamName)),
  textArray(s.map((e) => e.entityType)),
  textArray(s.map((e) => e.entityName)),
  ...stateParams(s),
];

const stateParams = (s: readonly StoredState[]) => [
  numberArray(s.map((e) => e.slaTarget)),
  numberArray(s.map((e) => e.currentSla)),
  textArray(s.map((e) => e.status)),
  msArray(s.map((e) => e.statusSince)),
  msArray(s.map((e) => e.observedAt)),
  msArray(s.map((e) => e.updatedAt)),
  numberArray(s.map((e) => e.version)),
  jsonArray(s.map((e) => e.details)),
];

/**
 * Overwrites entities that exist, by id: cheaper than the upsert's probe of the identity
 * index, and (with the table's fillfactor) a heap-only update that touches no index.
 */
export const UPDATE_ENTITIES_SQL = `UPDATE sla_entity e SET sla_target = x.target, current_sla = x.sla, status = x.st,
    status_since = ${fromMs('x.since')}, observed_at = ${fromMs('x.obs')}, updated_at = ${fromMs('x.upd')},
    version = x.ver, details = coalesce(x.det::jsonb, e.details)
  FROM unnest(?::int[], ?::float8[], ?::float8[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
              ?::text[]) AS x(id, target, sla, st, since, obs, upd, ver, det)
  WHERE e.id = x.id`;

/** Parameters of UPDATE_ENTITIES_SQL. */
export const updateParams = (s: readonly StoredState[]) => [numberArray(s.map((e) => e.id)), ...stateParams(s)];

/** A change row with its entity's id, or 0 when the entity is created in the same statement. */
export type ChangeRow = PlannedChange;

/**
 * Appends change rows. `entityId` is the SQL for the entity id, `from` may join more
 * rows to `x`: the write of a run takes a new entity's id from the rows its insert returned.
 */
export const insertChangesSql = (entityId = 'x.e', from = '') => `INSERT INTO sla_change (id, entity_id, tenant_name,
    team_name, entity_type, entity_name, previous_sla, previous_status, current_sla, status, sla_target, status_since,
    observed_at, received_at, applied, source, details)
  SELECT ?::bigint + x.i - 1, ${entityId}, x.t, x.m, x.y, x.n, x.psla, x.pst, x.sla, x.st, x.target, ${fromMs('x.since')},
         ${fromMs('x.obs')}, ${fromMs('x.rcv')}, x.ap, x.src, x.det::jsonb
    FROM unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::float8[], ?::text[], ?::float8[], ?::text[],
                ?::float8[], ?::bigint[], ?::bigint[], ?::bigint[], ?::boolean[], ?::text[], ?::text[])
      WITH ORDINALITY AS x(e, t, m, y, n, psla, pst, sla, st, target, since, obs, rcv, ap, src, det, i) ${from}`;

function firstOfConsecutive(ids: readonly number[]): number {
  const first = ids[0] ?? 0;
  for (let i = 1; i < ids.length; i++)
    if (ids[i] !== first + i) throw new Error(`change ids are not consecutive at ${ids[i]} (first ${first})`);
  return first;
}

/**
 * Parameters of insertChangesSql; an `entityId` of 0 is sent as NULL (to be joined). Change
 * ids are consecutive (the planner hands them out in order), so only the first is sent.
 * @throws Error when they are not.
 */
export const changeParams = (c: readonly ChangeRow[]) => [
  firstOfConsecutive(c.map((x) => x.id)),
  numberArray(c.map((x) => x.entityId || null)),
  textArray(c.map((x) => x.tenantName)),
  textArray(c.map((x) => x.teamName)),
  textArray(c.map((x) => x.entityType)),
  textArray(c.map((x) => x.entityName)),
  numberArray(c.map((x) => x.previousSla)),
  textArray(c.map((x) => x.previousStatus)),
  numberArray(c.map((x) => x.currentSla)),
  textArray(c.map((x) => x.status)),
  numberArray(c.map((x) => x.slaTarget)),
  msArray(c.map((x) => x.statusSince)),
  msArray(c.map((x) => x.observedAt)),
  msArray(c.map((x) => x.receivedAt)),
  boolArray(c.map((x) => x.applied)),
  textArray(c.map((x) => x.source)),
  jsonArray(c.map((x) => x.details)),
];
