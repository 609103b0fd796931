import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { ChangeToRecord } from '../../../src/alerts/store.js';
import type { AlertChange } from '../../../src/alerts/types.js';
import { migrate, openOrm } from '../../../src/db/orm.js';
import { type Db, sqlRunner } from '../../../src/db/sql.js';
import { dropSchema, PG_URL, uniqueSchema } from '../../support/app.js';

export const log = pino({ level: process.env.TEST_LOG ?? 'silent' });

/** One "pod's" database: its own pool on the test's schema, migrated. */
export async function openDb(schema: string, url = PG_URL): Promise<{ db: Db; close: () => Promise<void> }> {
  const cfg = { databaseUrl: url, dataDir: '', poolSize: 4, schema };
  const { orm, close } = await openOrm(cfg, log);
  await migrate(orm, cfg, log);
  return { db: sqlRunner(orm), close };
}

/**
 * A migrated schema of its own for one describe block's tests: opened (`onOpen` gets its
 * database) before them, closed and dropped after. Returns the schema's name.
 */
export function useAlertSchema(label: string, onOpen: (db: Db) => void): string {
  const schema = uniqueSchema(label);
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const opened = await openDb(schema);
    close = opened.close;
    onOpen(opened.db);
  });
  afterAll(async () => {
    await close?.();
    await dropSchema(schema);
  });
  return schema;
}

/** A state change of alert `fp` (firing on odd sequences, resolved on even ones), for channel `hook`. */
export function change(fp: string, sequence: number, teamName = 'payments', channels = ['hook']): ChangeToRecord {
  const c: AlertChange = {
    fingerprint: `${fp}-`.padEnd(64, 'x'), // distinct for every fp: f5 and f50 differ
    sequence,
    state: sequence % 2 === 1 ? 'firing' : 'resolved',
    ruleName: 'fast burn',
    kind: 'burn_rate',
    tier: 'page-1h',
    severity: 'page',
    tenantName: 'Acme',
    teamName,
    entity: { id: 7, name: 'orders_daily', type: 'table' },
    summary: `orders_daily: ${fp} #${sequence}`,
    at: new Date().toISOString(),
  };
  return { change: c, channels };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The value, or a failed test when it is null/undefined (a lease not granted, a delivery not created). */
export function must<T>(v: T | null | undefined, what = 'value'): T {
  if (v === null || v === undefined) throw new Error(`expected a ${what}`);
  return v;
}
