import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgLease } from '../../../src/alerts/lease.js';
import { acknowledgeAlert, listAlerts } from '../../../src/alerts/reads.js';
import { recordChanges } from '../../../src/alerts/store.js';
import type { Db } from '../../../src/db/sql.js';
import type { Admin } from '../../../src/trpc/context.js';
import { dropSchema, uniqueSchema } from '../../support/app.js';
import { change, must, openDb } from './helpers.js';

describe('alert reads and acknowledge', () => {
  const schema = uniqueSchema('alert_reads');
  let db: Db;
  let closeDb: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close: closeDb } = await openDb(schema));
    const fence = must(await new PgLease(db, { name: 'evaluation', holder: 'e', ttlMs: 10_000 }).tryAcquire());
    // a: firing; b: fired and resolved; c: of another tenant.
    const other = change('c', 1);
    other.change.tenantName = 'Other';
    await recordChanges(db, fence, [change('a', 1), change('b', 1), change('b', 2), other], { outboxMax: 100 });
  });
  afterAll(async () => {
    await closeDb();
    await dropSchema(schema);
  });
  const short = (fp: string) => fp.split('-')[0];

  it('lists firing alerts first, then recently resolved ones, within the tenants the caller may read', async () => {
    const all = await listAlerts(db.sql, { tenantNames: ['Acme'], recentHours: 24, limit: 10 });
    expect(all.map((a) => [short(a.fingerprint), a.state])).toEqual([
      ['a', 'firing'],
      ['b', 'resolved'],
    ]);
    expect(all[1]?.resolvedAt).not.toBeNull();
    expect(all[1]?.lastChange.summary).toContain('b #2');
    const firing = await listAlerts(db.sql, { tenantNames: null, recentHours: 0, limit: 10 });
    expect(firing.map((a) => short(a.fingerprint)).sort()).toEqual(['a', 'c']);
  });

  const admin = (label: string, tenants: string[] | null): Admin => ({
    label,
    role: 'admin',
    tenants: tenants && new Set(tenants),
  });

  it('acknowledges a firing alert once, audited in the same transaction; refuses resolved and foreign alerts', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((fp) => change(fp, 1).change.fingerprint) as [string, string, string];
    const acked = await acknowledgeAlert(db, admin('ops-token', ['Acme']), { fingerprint: a });
    expect(acked).toMatchObject({ acknowledgedBy: 'ops-token', state: 'firing' });
    const again = await acknowledgeAlert(db, admin('someone-else', null), { fingerprint: a });
    expect(again.acknowledgedBy).toBe('ops-token');
    const audit = await db.sql<{ actor: string; action: string; object_type: string; object_id: string }>(
      `SELECT actor, action, object_type, object_id FROM sla_audit`,
    );
    expect(audit).toEqual([{ actor: 'ops-token', action: 'acknowledge', object_type: 'alert', object_id: a }]);

    await expect(acknowledgeAlert(db, admin('x', null), { fingerprint: b })).rejects.toMatchObject({
      code: 'UNPROCESSABLE',
    });
    // Another tenant's alert: 403, as rules and channels answer; 404 only when there is no such alert.
    await expect(acknowledgeAlert(db, admin('x', ['Acme']), { fingerprint: c })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(acknowledgeAlert(db, admin('x', null), { fingerprint: 'f'.repeat(64) })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await db.sql(`SELECT 1 FROM sla_audit`)).toHaveLength(1);

    // A new firing episode clears the acknowledgement.
    const fence = must(await new PgLease(db, { name: 'evaluation', holder: 'e', ttlMs: 10_000 }).tryAcquire());
    await recordChanges(db, fence, [change('a', 2), change('a', 3)], { outboxMax: 100 });
    const [refired] = await listAlerts(db.sql, { tenantNames: ['Acme'], recentHours: 0, limit: 10 });
    expect(refired).toMatchObject({ sequence: 3, state: 'firing', acknowledgedBy: null });
  });
});
