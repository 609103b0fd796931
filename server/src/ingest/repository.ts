import type { Status } from '@sla/shared';
import { logHead } from '../changelog/log.js';
import { NOTIFY_CHANGES_CALL } from '../changelog/notify.js';
import { TX_IDENTITY_COLUMNS, type TxIdentity } from '../db/commit-outcome.js';
import { textArray } from '../db/pg-array.js';
import type { Sql } from '../db/sql.js';
import { type Identity, identityKey } from '../domain/entity.js';
import { observationKey, type SeenObservations, type StoredState } from './plan.js';
import {
  type ChangeRow,
  changeParams,
  fromMs,
  insertChangesSql,
  msArray,
  ON_IDENTITY,
  toMs,
  UPDATE_ENTITIES_SQL,
  UPSERT_ENTITIES_SQL,
  updateParams,
  upsertParams,
} from './write-sql.js';

/**
 * Arbitrary constant: the transaction-scoped advisory lock that orders change ids.
 * Taken first in every ingest transaction, it makes "max(id) + 1" safe and makes
 * ascending change id equal commit order across all pods. Advisory locks are
 * database-wide, so the key pairs it with the schema: deployments in other schemas
 * (DATABASE_SCHEMA) of the same database do not queue behind each other.
 */
export const CHANGE_ORDER_LOCK = 7_231_002;

/**
 * A writer that vanishes mid-transaction (its host or network gone) would hold the lock
 * until PostgreSQL noticed the dead connection, which can take hours; this makes the
 * server end such a transaction, and free the lock, after a few idle seconds.
 */
const IDLE_IN_TX_MS = 5_000;

/**
 * Takes the change-order lock. `tx`, when given, receives the transaction's identity (see
 * db/commit-outcome.ts) in the same round trip. What the transaction reads must be read
 * by later statements: a statement's snapshot is taken before it waits for the lock.
 */
export async function takeChangeOrderLock(sql: Sql, tx?: TxIdentity): Promise<void> {
  const [locked] = await sql<{ xid: string; pid: number }>(
    `SELECT set_config('idle_in_transaction_session_timeout', '${IDLE_IN_TX_MS}', true),
            pg_advisory_xact_lock(?::int, hashtext(current_schema())), ${TX_IDENTITY_COLUMNS}`,
    [CHANGE_ORDER_LOCK],
  );
  if (tx) {
    tx.xid = locked?.xid ?? null;
    tx.pid = locked ? Number(locked.pid) : null;
  }
}

/** Takes the change-order lock; returns the log head (0 when empty). */
export async function lockChangeOrder(sql: Sql, tx?: TxIdentity): Promise<number> {
  await takeChangeOrderLock(sql, tx);
  return logHead(sql);
}

/** An update given with `observedAt` whose observation may already be in the log (a replay). */
export type Probe = Identity & { observedAt: number };

/** What a write plans from: the log head, the stored states, the observations already logged. */
export type WriteContext = { head: number; stored: Map<string, StoredState>; seen: SeenObservations };

type StateTuple = [
  number,
  string,
  string,
  string,
  string,
  number,
  number,
  Status,
  number,
  number,
  number,
  number,
  Record<string, unknown> | null,
];
type SeenTuple = [number, number, number, Status];

const parsed = <T>(v: unknown): T[] => (typeof v === 'string' ? JSON.parse(v) : (v ?? [])) as T[];

/**
 * Under the lock, in one round trip: the log head, the stored states of `ids` (missing
 * ones are absent) and which `probes` are already in the log (as observation keys).
 */
export async function loadForWrite(
  sql: Sql,
  ids: readonly Identity[],
  probes: readonly Probe[],
): Promise<WriteContext> {
  const [row] = await sql<{ head: string | number; states: unknown; seen: unknown }>(
    `WITH k AS (SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS k(t, m, y, n)),
          p AS (SELECT t, m, y, n, ${fromMs('o')} AS o
                  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) AS p(t, m, y, n, o))
     SELECT (SELECT coalesce(max(id), 0) FROM sla_change) AS head,
            (SELECT json_agg(json_build_array(e.id, e.tenant_name, e.team_name, e.entity_type, e.entity_name,
                    e.sla_target, e.current_sla, e.status, ${toMs('e.status_since')}, ${toMs('e.observed_at')},
                    ${toMs('e.updated_at')}, e.version, e.details))
               FROM sla_entity e JOIN k ON ${ON_IDENTITY}) AS states,
            (SELECT json_agg(json_build_array(c.entity_id, ${toMs('c.observed_at')}, c.current_sla, c.status))
               FROM p k JOIN sla_entity e ON ${ON_IDENTITY}
               JOIN sla_change c ON c.entity_id = e.id AND c.observed_at = k.o) AS seen`,
    [...identityParams(ids), ...identityParams(probes), msArray(probes.map((p) => p.observedAt))],
  );
  const stored = new Map<string, StoredState>();
  const keyOf = new Map<number, string>();
  for (const [id, t, m, y, n, target, sla, status, since, obs, upd, version, details] of parsed<StateTuple>(
    row?.states,
  )) {
    const s: StoredState = {
      id,
      tenantName: t,
      teamName: m,
      entityType: y,
      entityName: n,
      slaTarget: target,
      currentSla: sla,
      status,
      statusSince: since,
      observedAt: obs,
      updatedAt: upd,
      version,
      details,
    };
    const key = identityKey(s);
    stored.set(key, s);
    keyOf.set(id, key);
  }
  const seen: SeenObservations = new Set();
  for (const [entityId, obs, sla, status] of parsed<SeenTuple>(row?.seen)) {
    const key = keyOf.get(entityId);
    if (key) seen.add(observationKey(key, obs, sla, status));
  }
  return { head: Number(row?.head ?? 0), stored, seen };
}

const identityParams = (ids: readonly Identity[]) => [
  textArray(ids.map((i) => i.tenantName)),
  textArray(ids.map((i) => i.teamName)),
  textArray(ids.map((i) => i.entityType)),
  textArray(ids.map((i) => i.entityName)),
];

type IdRow = { id: number; tenant_name: string; team_name: string; entity_type: string; entity_name: string };
const idsByKey = (rows: IdRow[]) =>
  new Map(
    rows.map((r) => [
      identityKey({
        tenantName: r.tenant_name,
        teamName: r.team_name,
        entityType: r.entity_type,
        entityName: r.entity_name,
      }),
      Number(r.id),
    ]),
  );

/**
 * A planned run in one statement, on the transaction holding the change-order lock:
 * overwrites the `existing` entities (by id), inserts the `created` ones, appends the
 * `changes` (a created entity's id, sent as 0, is taken from its insert) and announces
 * `lastId` with NOTIFY. Returns the created entities' ids by identity key.
 */
export async function writeRun(
  sql: Sql,
  run: {
    existing: readonly StoredState[];
    created: readonly StoredState[];
    changes: readonly ChangeRow[];
    lastId: number;
  },
): Promise<Map<string, number>> {
  const [row] = await sql<{ created: unknown }>(
    `WITH upd AS (${UPDATE_ENTITIES_SQL}),
          ins AS (${UPSERT_ENTITIES_SQL}),
          chg AS (${insertChangesSql(
            'coalesce(x.e, ins.id)',
            `LEFT JOIN ins ON x.e IS NULL AND ins.tenant_name = x.t AND ins.team_name = x.m AND ins.entity_type = x.y
                          AND ins.entity_name = x.n`,
          )})
     SELECT ${NOTIFY_CHANGES_CALL} AS notified,
            (SELECT json_agg(json_build_object('id', id, 'tenant_name', tenant_name, 'team_name', team_name,
                    'entity_type', entity_type, 'entity_name', entity_name)) FROM ins) AS created`,
    [...updateParams(run.existing), ...upsertParams(run.created), ...changeParams(run.changes), String(run.lastId)],
  );
  return idsByKey(parsed<IdRow>(row?.created));
}

/** Writes final states (the demo seed's); returns identity key → database id. */
export async function upsertEntities(sql: Sql, states: StoredState[]): Promise<Map<string, number>> {
  if (states.length === 0) return new Map();
  return idsByKey(await sql<IdRow>(UPSERT_ENTITIES_SQL, upsertParams(states)));
}

/**
 * Appends planned changes, with their preassigned ids and entity ids, to `sla_change` in
 * one statement, on the caller's transaction (the demo seed's), which holds the change-order lock.
 */
export async function insertChanges(sql: Sql, changes: ChangeRow[]): Promise<void> {
  if (changes.length > 0) await sql(insertChangesSql(), changeParams(changes));
}
