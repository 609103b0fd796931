import type { Status } from '@sla/shared';
import pino from 'pino';
import { migrate, openOrm } from '../../../src/db/orm.js';
import { type Db, sqlRunner } from '../../../src/db/sql.js';
import type { ScopedWindow } from '../../../src/domain/budget/index.js';
import { changeLogSources } from '../../../src/reports/log-sources.js';
import type { ReportSources } from '../../../src/reports/sources.js';
import { PG_URL } from '../../support/app.js';

export const log = pino({ level: process.env.TEST_LOG ?? 'silent' });

/** One "pod's" database: its own ORM pool on the shared test schema, migrated. */
export async function openDb(schema: string): Promise<{ db: Db; close: () => Promise<void> }> {
  const cfg = { databaseUrl: PG_URL, dataDir: '', poolSize: 4, schema };
  const { orm, close } = await openOrm(cfg, log);
  await migrate(orm, cfg, log);
  return { db: sqlRunner(orm), close };
}

/** An entity of tenant Acme. */
export type TestEntity = { id: number; teamName: string; entityType: string; entityName: string };

/**
 * Logs one applied result the way ingest stores it (the entity row and a change with the
 * next id); `receivedAt` defaults to `observedAt` (a late result passes a later one).
 */
export async function logResult(
  db: Db,
  e: TestEntity,
  observedAt: string,
  status: Status,
  currentSla: number,
  slaTarget: number,
): Promise<void> {
  await db.tx(async (sql) => {
    await sql(
      `INSERT INTO sla_entity (id, tenant_name, team_name, entity_type, entity_name, sla_target, current_sla, status,
         status_since, observed_at, updated_at, version)
       VALUES (?, 'Acme', ?, ?, ?, ?, ?, ?, ?::timestamptz, ?::timestamptz, now(), 0)
       ON CONFLICT (id) DO UPDATE SET sla_target = excluded.sla_target, current_sla = excluded.current_sla,
         status = excluded.status, observed_at = excluded.observed_at`,
      [e.id, e.teamName, e.entityType, e.entityName, slaTarget, currentSla, status, observedAt, observedAt],
    );
    await sql(
      `INSERT INTO sla_change (id, entity_id, tenant_name, team_name, entity_type, entity_name, current_sla, status,
         sla_target, status_since, observed_at, received_at, applied, source)
       SELECT coalesce(max(id), 0) + 1, ?, 'Acme', ?, ?, ?, ?, ?, ?, ?::timestamptz, ?::timestamptz, now(), true, 'test'
         FROM sla_change`,
      [e.id, e.teamName, e.entityType, e.entityName, currentSla, status, slaTarget, observedAt, observedAt],
    );
  });
}

/** Change-log sources with windows and a policy version a test can change. */
export function testSources(db: Db): ReportSources & { policy: { windows: ScopedWindow[]; version: number } } {
  const policy = { windows: [] as ScopedWindow[], version: 1 };
  const base = changeLogSources(db.sql, {
    staleAfterMs: 40 * 86_400_000,
    settings: { timeZone: 'UTC', noDataPolicy: 'exclude' },
  });
  return { ...base, policy, windows: () => policy.windows, policyVersion: () => String(policy.version) };
}

export const ORDERS: TestEntity = { id: 1, teamName: 'Core', entityType: 'table', entityName: 'orders' };
export const BILLING: TestEntity = { id: 2, teamName: 'Billing, EU', entityType: 'job', entityName: 'nightly' };
