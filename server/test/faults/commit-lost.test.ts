import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type StallProxy, startStallProxy } from '../../../test/support/stall-proxy.js';
import type { App } from '../../src/bootstrap.js';
import { query } from '../integration/ingest/helpers.js';
import { dropSchema, eventually, PG_URL, post, startPod, UPDATE, uniqueSchema } from '../support/app.js';
import { PG_PORT, proxiedUrl } from './pg-fault.js';

const ONE = '/api/cache/incremental-update';
const MANY = '/api/cache/incremental-updates';
/**
 * The fault strikes the COMMIT of a connection that wrote the change log: the ingest's. A pod's
 * background transactions (the alerting lease holder's reads, among others) commit too, and a
 * stall on theirs would cut the ingest's connection before its COMMIT was sent.
 */
const INGEST_WRITE = 'sla_change';

/**
 * The connection to PostgreSQL fails around an ingest's COMMIT (a proxy lets the COMMIT
 * through and black-holes the answer, or holds the COMMIT back). The answer must tell the
 * truth: 2xx when it committed, "nothing was written" only when nothing was, otherwise
 * "unknown" — and a retry with the same Idempotency-Key never writes twice.
 */
describe('ingest when the connection fails around COMMIT', () => {
  const schema = uniqueSchema('commit_lost');
  let proxy: StallProxy;
  let app: App;

  beforeAll(async () => {
    proxy = await startStallProxy(PG_PORT);
    app = await startPod({
      schema,
      DATABASE_URL: proxiedUrl(proxy.port),
      DATABASE_SCHEMA: schema,
      POD_ID: 'commit-lost',
    });
    expect((await post(app.url, ONE, { ...UPDATE, entityName: 'warm_up' })).status).toBe(200);
    // The pod's own start-up transactions (budget state, policy store) done; background ones may
    // still commit, which is why the faults strike only a connection that wrote the change log.
    await eventually(async () => app.deps.budgets.loaded && app.deps.policy.source === 'postgres', 20_000, 'loaded');
  });
  // A failed test must not leave the link cut for the next one.
  afterEach(() => proxy.heal());
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await dropSchema(schema, PG_URL);
  });

  const changesOf = async (entityName: string) =>
    (
      await query<{ id: string; source: string }>(
        `SELECT id, source FROM "${schema}".sla_change WHERE entity_name = $1 ORDER BY id`,
        [entityName],
      )
    ).map((r) => Number(r.id));

  /** Sends once the proxy is armed; heals the link `healAfterMs` after the fault struck (never if null). */
  async function sendThroughFault(
    arm: () => Promise<void>,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    healAfterMs: number | null,
  ) {
    const struck = arm();
    const started = Date.now();
    const answer = post(app.url, path, body, headers);
    await struck;
    if (healAfterMs !== null) setTimeout(() => proxy.heal(), healAfterMs);
    const r = await answer;
    return { ...r, ms: Date.now() - started };
  }

  it('answers 200 with the committed result when only the answer to COMMIT was lost (no observedAt, no key)', async () => {
    const name = 'reply_lost';
    const r = await sendThroughFault(
      () => proxy.stallAfterSent('COMMIT', INGEST_WRITE),
      ONE,
      { ...UPDATE, entityName: name },
      {},
      2_500,
    );
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ outcome: 'applied', entity: { entityName: name } });
    // The answer names the change that is really in the log, and it is there once.
    expect(await changesOf(name)).toEqual([r.json.changeId]);
  });

  it('answers 200 for a batch whose COMMIT answer was lost, with every item’s result', async () => {
    const names = ['batch_lost_a', 'batch_lost_b', 'batch_lost_c'];
    const r = await sendThroughFault(
      () => proxy.stallAfterSent('COMMIT', INGEST_WRITE),
      MANY,
      { updates: names.map((entityName) => ({ ...UPDATE, entityName })) },
      {},
      2_500,
    );
    expect(r.status, r.text).toBe(200);
    const results = r.json.results as { outcome: string; changeId: number }[];
    expect(results.map((x) => x.outcome)).toEqual(['applied', 'applied', 'applied']);
    for (const [i, n] of names.entries()) expect(await changesOf(n)).toEqual([results[i]?.changeId]);
  });

  it('says the outcome is unknown while PostgreSQL stays unreachable, and a retry with the same key writes nothing new', async () => {
    const name = 'unknown_outcome';
    const key = 'retry-me-0001';
    const body = { ...UPDATE, entityName: name };
    const struck = proxy.stallAfterSent('COMMIT', INGEST_WRITE);
    const started = Date.now();
    const answer = post(app.url, ONE, body, { 'idempotency-key': key });
    await struck;
    // A request queued behind the lost COMMIT gets its own transaction, without waiting for the verdict.
    const queued = post(app.url, ONE, { ...UPDATE, entityName: 'queued_behind' }).then((q) => ({
      ...q,
      ms: Date.now() - started,
    }));
    const r = { ...(await answer), ms: Date.now() - started };
    const behind = await queued;
    expect(behind.status, behind.text).toBe(503);
    expect(behind.json.message).toMatch(/nothing was written/);
    expect(behind.ms).toBeLessThan(5_000);
    expect(r.status, r.text).toBe(503);
    expect(r.json.message).toMatch(/may or may not have been written/);
    expect(r.json.message).toMatch(/same Idempotency-Key/);
    expect(r.json.message).not.toMatch(/nothing was written/);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(r.ms).toBeLessThan(6_000);
    const counted = (await app.deps.metrics.ingest.get()).values.find((x) => x.labels.outcome === 'unknown');
    expect(counted?.value).toBe(1);

    proxy.heal();
    // It did commit (the proxy let the COMMIT through): the retry answers that result and writes nothing.
    let retry: Awaited<ReturnType<typeof post>>;
    const until = Date.now() + 10_000;
    do retry = await post(app.url, ONE, body, { 'idempotency-key': key });
    while (retry.status === 503 && Date.now() < until);
    expect(retry.status, retry.text).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const logged = await changesOf(name);
    expect(logged).toHaveLength(1);
    expect(await changesOf('queued_behind')).toEqual([]);
    expect(retry.json).toMatchObject({ outcome: 'applied', changeId: logged[0] });
  });

  it('answers "nothing was written" when the COMMIT never reached PostgreSQL, and nothing was', async () => {
    const name = 'commit_held';
    const r = await sendThroughFault(
      () => proxy.stallBeforeSent('COMMIT', INGEST_WRITE),
      ONE,
      { ...UPDATE, entityName: name },
      {},
      // Healed after the pod gave up on the silent socket (the watchdog's check takes about
      // 2.5 s; healing earlier would deliver the held COMMIT, and 200 would be the truth) and
      // within the 2 s the pod then spends asking PostgreSQL for the verdict.
      3_300,
    );
    expect(r.status, r.text).toBe(503);
    expect(r.json.message).toMatch(/nothing was written/);
    expect(await changesOf(name)).toEqual([]);
    // The pod writes again at once: the abandoned transaction no longer holds the change-order lock.
    const after = await post(app.url, ONE, { ...UPDATE, entityName: 'after_held' });
    expect(after.status, after.text).toBe(200);
  });
});
