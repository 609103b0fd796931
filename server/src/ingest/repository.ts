import type { Status } from '@sla/shared';
import { logHead } from '../changelog/log.js';
import { TX_IDENTITY_COLUMNS, type TxIdentity } from '../db/commit-outcome.js';
import type { Sql } from '../db/sql.js';
import { type Identity, identityKey } from '../domain/entity.js';
import { observationKey, type PlannedChange, type StoredState } from './plan.js';

/**
 * Arbitrary constant: the transaction-scoped advisory lock that orders change ids.
 * Taken first in every ingest transaction, it makes "max(id) + 1" safe and makes
 * ascending change id equal commit order across all pods. Advisory locks are
 * database-wide, so the key pairs it with the schema: deployments in other schemas
 * (DATABASE_SCHEMA) of the same database do not queue behind each other.
 */
export const CHANGE_ORDER_LOCK = 7_231_002;

type EntityRow = {
  id: number;
  tenant_name: string;
  team_name: string;
  entity_type: string;
  entity_name: string;
  sla_target: number;
  current_sla: number;
  status: Status;
  status_since: Date;
  observed_at: Date;
  updated_at: Date;
  version: string | number;
  details: Record<string, unknown> | null;
};

const ms = (d: Date | string) => (d instanceof Date ? d.getTime() : Date.parse(d));

function rowToState(r: EntityRow): StoredState {
  return {
    id: Number(r.id),
    tenantName: r.tenant_name,
    teamName: r.team_name,
    entityType: r.entity_type,
    entityName: r.entity_name,
    slaTarget: Number(r.sla_target),
    currentSla: Number(r.current_sla),
    status: r.status,
    statusSince: ms(r.status_since),
    observedAt: ms(r.observed_at),
    updatedAt: ms(r.updated_at),
    version: Number(r.version),
    details: r.details,
  };
}

/**
 * A writer that vanishes mid-transaction (its host or network gone) would hold the lock
 * until PostgreSQL noticed the dead connection, which can take hours; this makes the
 * server end such a transaction, and free the lock, after a few idle seconds.
 */
const IDLE_IN_TX_MS = 5_000;

/**
 * Takes the change-order lock; returns the log head (0 when empty). `tx`, when given,
 * receives the transaction's identity (see db/commit-outcome.ts), in the same round trip.
 */
export async function lockChangeOrder(sql: Sql, tx?: TxIdentity): Promise<number> {
  const [locked] = await sql<{ xid: string; pid: number }>(
    `SELECT set_config('idle_in_transaction_session_timeout', '${IDLE_IN_TX_MS}', true),
            pg_advisory_xact_lock(?::int, hashtext(current_schema())), ${TX_IDENTITY_COLUMNS}`,
    [CHANGE_ORDER_LOCK],
  );
  if (tx) {
    tx.xid = locked?.xid ?? null;
    tx.pid = locked ? Number(locked.pid) : null;
  }
  return logHead(sql);
}

/** Stored states of the given identities (missing ones are simply absent). */
export async function loadStates(sql: Sql, ids: Identity[]): Promise<Map<string, StoredState>> {
  const keys = ids.map((i) => ({ t: i.tenantName, m: i.teamName, y: i.entityType, n: i.entityName }));
  const rows = await sql<EntityRow>(
    `SELECT e.* FROM sla_entity e
       JOIN jsonb_to_recordset(?::jsonb) AS k(t text, m text, y text, n text)
         ON e.tenant_name = k.t AND e.team_name = k.m AND e.entity_type = k.y AND e.entity_name = k.n`,
    [JSON.stringify(keys)],
  );
  return new Map(rows.map((r) => [identityKey(rowToState(r)), rowToState(r)]));
}

/** Observations of these entities at these poller times already in the log (replay detection). */
export async function loadSeen(sql: Sql, probes: { key: string; entityId: number; observedAt: number }[]) {
  const seen = new Set<string>();
  if (probes.length === 0) return seen;
  const byEntity = new Map(probes.map((p) => [p.entityId, p.key]));
  const rows = await sql<{ entity_id: number; observed_at: Date; current_sla: number; status: Status }>(
    `SELECT c.entity_id, c.observed_at, c.current_sla, c.status FROM sla_change c
       JOIN jsonb_to_recordset(?::jsonb) AS k(e int, o timestamptz) ON c.entity_id = k.e AND c.observed_at = k.o`,
    [JSON.stringify(probes.map((p) => ({ e: p.entityId, o: new Date(p.observedAt).toISOString() })))],
  );
  for (const r of rows) {
    const key = byEntity.get(Number(r.entity_id));
    if (key) seen.add(observationKey(key, ms(r.observed_at), Number(r.current_sla), r.status));
  }
  return seen;
}

const iso = (t: number) => new Date(t).toISOString();

/** Writes the final states; returns identity key → database id (new entities get theirs here). */
export async function upsertEntities(sql: Sql, states: StoredState[]): Promise<Map<string, number>> {
  if (states.length === 0) return new Map();
  const rows = await sql<{
    id: number;
    tenant_name: string;
    team_name: string;
    entity_type: string;
    entity_name: string;
  }>(
    `INSERT INTO sla_entity (tenant_name, team_name, entity_type, entity_name, sla_target, current_sla, status,
                             status_since, observed_at, updated_at, version, details)
     SELECT t, m, y, n, target, sla, st, since, obs, upd, ver, det
       FROM jsonb_to_recordset(?::jsonb) AS x(t text, m text, y text, n text, target float8, sla float8, st text,
                                             since timestamptz, obs timestamptz, upd timestamptz, ver bigint, det jsonb)
     ON CONFLICT (tenant_name, team_name, entity_type, entity_name) DO UPDATE SET
       sla_target = excluded.sla_target, current_sla = excluded.current_sla, status = excluded.status,
       status_since = excluded.status_since, observed_at = excluded.observed_at, updated_at = excluded.updated_at,
       version = excluded.version, details = excluded.details
     RETURNING id, tenant_name, team_name, entity_type, entity_name`,
    [
      JSON.stringify(
        states.map((s) => ({
          t: s.tenantName,
          m: s.teamName,
          y: s.entityType,
          n: s.entityName,
          target: s.slaTarget,
          sla: s.currentSla,
          st: s.status,
          since: iso(s.statusSince),
          obs: iso(s.observedAt),
          upd: iso(s.updatedAt),
          ver: s.version,
          det: s.details,
        })),
      ),
    ],
  );
  return new Map(
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
}

/**
 * Appends planned changes, with their preassigned ids and entity ids, to `sla_change` in
 * one statement (a JSON recordset; times as ISO 8601), on the caller's transaction (ingest's or
 * the demo seed's), which holds the change-order lock.
 */
export async function insertChanges(sql: Sql, changes: (PlannedChange & { entityId: number })[]): Promise<void> {
  if (changes.length === 0) return;
  await sql(
    `INSERT INTO sla_change (id, entity_id, tenant_name, team_name, entity_type, entity_name, previous_sla,
                             previous_status, current_sla, status, sla_target, status_since, observed_at,
                             received_at, applied, source, details)
     SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(id bigint, e int, t text, m text, y text, n text, psla float8,
                   pst text, sla float8, st text, target float8, since timestamptz, obs timestamptz,
                   rcv timestamptz, ap boolean, src text, det jsonb)`,
    [
      JSON.stringify(
        changes.map((c) => ({
          id: c.id,
          e: c.entityId,
          t: c.tenantName,
          m: c.teamName,
          y: c.entityType,
          n: c.entityName,
          psla: c.previousSla,
          pst: c.previousStatus,
          sla: c.currentSla,
          st: c.status,
          target: c.slaTarget,
          since: iso(c.statusSince),
          obs: iso(c.observedAt),
          rcv: iso(c.receivedAt),
          ap: c.applied,
          src: c.source,
          det: c.details,
        })),
      ),
    ],
  );
}
