import type { Status } from '@sla/shared';
import { decodeEntity } from '../cache/store/codec.js';
import { ENCODED_ENTITY_SQL } from '../cache/store/encoding.js';
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

type LoadRow = {
  head: string | number;
  states: string | null;
  seen_entity: number[] | null;
  seen_at: number[] | null;
  seen_sla: number[] | null;
  seen_status: Status[] | null;
};

/**
 * Under the lock, in one round trip: the log head, the stored states of `ids` (missing
 * ones are absent) and which `probes` are already in the log (as observation keys).
 * States come in the entity encoding every other reader uses (cache/store/encoding.ts),
 * one per line, without `details`: a loaded state's `details` is null, and the write keeps
 * the stored details unless an update brings its own (write-sql.ts), as the planner would.
 */
export async function loadForWrite(
  sql: Sql,
  ids: readonly Identity[],
  probes: readonly Probe[],
): Promise<WriteContext> {
  const [row] = await sql<LoadRow>(
    `WITH k AS (SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS k(t, m, y, n)),
          p AS (SELECT t, m, y, n, ${fromMs('o')} AS o
                  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) AS p(t, m, y, n, o))
     SELECT h.head, s.states, o.seen_entity, o.seen_at, o.seen_sla, o.seen_status
       FROM (SELECT coalesce(max(id), 0) AS head FROM sla_change) h,
            (SELECT string_agg(${ENCODED_ENTITY_SQL}, E'\n') AS states FROM sla_entity e JOIN k ON ${ON_IDENTITY}) s,
            (SELECT array_agg(c.entity_id) AS seen_entity, array_agg(${toMs('c.observed_at')}) AS seen_at,
                    array_agg(c.current_sla) AS seen_sla, array_agg(c.status) AS seen_status
               FROM p k JOIN sla_entity e ON ${ON_IDENTITY}
               JOIN sla_change c ON c.entity_id = e.id AND c.observed_at = k.o) o`,
    [...identityParams(ids), ...identityParams(probes), msArray(probes.map((p) => p.observedAt))],
  );
  const stored = new Map<string, StoredState>();
  const keyOf = new Map<number, string>();
  // An encoded entity is JSON, which never holds a raw newline.
  for (const line of row?.states ? row.states.split('\n') : []) {
    const s: StoredState = Object.assign(decodeEntity(line), { details: null });
    const key = identityKey(s);
    stored.set(key, s);
    keyOf.set(s.id, key);
  }
  const seen: SeenObservations = new Set();
  for (const [i, entityId] of (row?.seen_entity ?? []).entries()) {
    const key = keyOf.get(entityId);
    if (key)
      seen.add(
        observationKey(key, Number(row?.seen_at?.[i]), Number(row?.seen_sla?.[i]), row?.seen_status?.[i] as Status),
      );
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
  const [row] = await sql<{ id: number[] | null; t: string[]; m: string[]; y: string[]; n: string[] }>(
    `WITH upd AS (${UPDATE_ENTITIES_SQL}),
          ins AS (${UPSERT_ENTITIES_SQL}),
          chg AS (${insertChangesSql(
            'coalesce(x.e, ins.id)',
            `LEFT JOIN ins ON x.e IS NULL AND ins.tenant_name = x.t AND ins.team_name = x.m AND ins.entity_type = x.y
                          AND ins.entity_name = x.n`,
          )})
     SELECT ${NOTIFY_CHANGES_CALL} AS notified, c.*
       FROM (SELECT array_agg(id) AS id, array_agg(tenant_name) AS t, array_agg(team_name) AS m,
                    array_agg(entity_type) AS y, array_agg(entity_name) AS n FROM ins) c`,
    [...updateParams(run.existing), ...upsertParams(run.created), ...changeParams(run.changes), String(run.lastId)],
  );
  return idsByKey(
    (row?.id ?? []).map((id, i) => ({
      id,
      tenant_name: row?.t[i] as string,
      team_name: row?.m[i] as string,
      entity_type: row?.y[i] as string,
      entity_name: row?.n[i] as string,
    })),
  );
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
