import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StallProxy, startStallProxy } from '../../../test/support/stall-proxy.js';
import type { App } from '../../src/bootstrap.js';
import { dropSchema, startPod, uniqueSchema } from '../support/app.js';
import { checkNothingHalfWritten, PG_PORT, proxiedUrl, type Sent, send } from './pg-fault.js';

/**
 * Pod A loses PostgreSQL in the middle of an ingest transaction, right after taking the
 * change-order lock; PostgreSQL never hears that A is gone. Pod B, which still reaches
 * PostgreSQL, must not be blocked behind A's lock until the partition heals.
 */
describe('a pod partitioned from PostgreSQL while holding the change-order lock', () => {
  const schema = uniqueSchema('ingest_partition');
  const otherSchema = uniqueSchema('ingest_partition_other');
  let proxy: StallProxy;
  let a: App;
  let b: App;
  let other: App;

  beforeAll(async () => {
    proxy = await startStallProxy(PG_PORT);
    a = await startPod({
      schema,
      DATABASE_URL: proxiedUrl(proxy.port),
      DATABASE_SCHEMA: schema,
      POD_ID: 'partitioned-a',
    });
    b = await startPod({ schema, POD_ID: 'healthy-b' });
    other = await startPod({ schema: otherSchema, POD_ID: 'other-deployment' });
    expect((await send(a.url, 'a_before')).status).toBe(200);
    expect((await send(b.url, 'b_before')).status).toBe(200);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await other?.close();
    await proxy?.close();
    await dropSchema(schema);
    await dropSchema(otherSchema);
  });

  it('frees the lock within seconds, so the other pod answers 503 at worst, then 2xx again', async () => {
    const partitioned = proxy.stallAfterSent('pg_advisory_xact_lock');
    const lost = send(a.url, 'a_lost');
    await partitioned;
    const since = Date.now();
    // A deployment in another schema of the same database has a change order of its own: not blocked at all.
    const elsewhere = await send(other.url, 'other_schema');
    expect(elsewhere.status, JSON.stringify(elsewhere)).toBe(200);
    expect(elsewhere.ms).toBeLessThan(2_000);

    const fromB: Sent[] = [];
    let ok: Sent | undefined;
    while (!ok && Date.now() - since < 15_000) {
      const s = await send(b.url, `b_${fromB.length}`);
      fromB.push(s);
      if (s.status === 200) ok = s;
    }
    for (const s of fromB) expect([200, 503], JSON.stringify(s)).toContain(s.status);
    expect(ok, JSON.stringify(fromB.map((s) => [s.status, s.ms]))).toBeDefined();
    // PostgreSQL ends A's abandoned transaction after 5 s idle; B's waits are cut at 2 s of silence.
    expect(Date.now() - since).toBeLessThan(10_000);

    const aResult = await lost;
    expect(aResult.status, JSON.stringify(aResult)).toBe(503);
    expect(aResult.ms).toBeLessThan(5_000);

    proxy.heal();
    const healedAt = Date.now();
    let after: Sent;
    do after = await send(a.url, 'a_after');
    while (after.status !== 200 && Date.now() - healedAt < 5_000);
    expect(after.status, JSON.stringify(after)).toBe(200);

    const logged = await checkNothingHalfWritten(schema);
    const names = [...logged.values()];
    expect(names).not.toContain('a_lost');
    expect(names).toEqual(expect.arrayContaining(['a_before', 'b_before', (ok as Sent).name, 'a_after']));
  });
});
