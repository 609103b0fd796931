import type { Change, IngestResult } from '@sla/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, getJson, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';
import { query, rowCounts } from './helpers.js';

const ONE = '/api/cache/incremental-update';
const MANY = '/api/cache/incremental-updates';
const FAR_FUTURE = '9999-12-31T23:59:59.000Z';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ahead = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/**
 * A result dated in the future stays the newest observation of its entity: every later
 * result, even one without observedAt, was recorded as `stale` and the entity froze.
 * Such results are refused, and an entity frozen earlier is repaired by a forced update.
 */
describe('results from the future', () => {
  const schema = uniqueSchema('ingest_future');
  let app: App;
  beforeAll(async () => {
    app = await startPod({
      schema,
      INGEST_TOKENS: 'ops-token,finance-token@Finance',
      INGEST_MAX_FUTURE_SKEW_SECONDS: '60',
    });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  const ingest = (body: unknown, token = 'ops-token', path = ONE) => post(app.url, path, body, bearer(token));
  const changes = (entityName: string) =>
    query<{ source: string; applied: boolean; observed_at: Date }>(
      `SELECT source, applied, observed_at FROM "${schema}".sla_change WHERE entity_name = $1 ORDER BY id`,
      [entityName],
    );
  /** Freezes an entity the way results accepted before this limit did: its stored observation far in the future. */
  const poison = async (entityName: string) => {
    const first = await ingest({ ...UPDATE, entityName, currentSla: 50, status: 'Failed' });
    expect(first.status, first.text).toBe(200);
    await query(`UPDATE "${schema}".sla_entity SET observed_at = $1, status_since = $1 WHERE entity_name = $2`, [
      FAR_FUTURE,
      entityName,
    ]);
  };

  it('refuses observedAt beyond the configured skew (single and batch, naming the item), writing nothing', async () => {
    const before = await rowCounts(schema);
    const far = await ingest({ ...UPDATE, entityName: 'future_far', observedAt: FAR_FUTURE });
    expect(far.status, far.text).toBe(400);
    expect(far.json.message).toMatch(/^observedAt: 9999-12-31T23:59:59.000Z is \d+ s ahead .* at most 60 s/);
    const near = await ingest({ ...UPDATE, entityName: 'future_near', observedAt: ahead(120) });
    expect(near.status, near.text).toBe(400);
    const batch = await ingest(
      {
        updates: [
          { ...UPDATE, entityName: 'ok_0' },
          { ...UPDATE, entityName: 'ok_1', observedAt: ahead(3600) },
        ],
      },
      'ops-token',
      MANY,
    );
    expect(batch.status, batch.text).toBe(400);
    expect(batch.json.message).toMatch(/^updates\.1\.observedAt: .* is 3\d{3} s ahead/);
    expect(await rowCounts(schema)).toEqual(before);
  });

  it('accepts observedAt within the skew (a poller clock a little fast)', async () => {
    const r = await ingest({ ...UPDATE, entityName: 'slightly_fast', observedAt: ahead(30) });
    expect(r.status, r.text).toBe(200);
    expect((r.json as unknown as IngestResult).outcome).toBe('applied');
  });

  it('repairs a frozen entity with replace: true from a token allowed for the tenant, recorded with its source', async () => {
    const name = 'frozen_entity';
    await poison(name);
    // The symptom: a fresh result without observedAt is stale against the stored future.
    const stuck = await ingest({ ...UPDATE, entityName: name, currentSla: 99, status: 'Passed' });
    expect((stuck.json as unknown as IngestResult).outcome).toBe('stale');

    const missing = await post(app.url, ONE, { ...UPDATE, entityName: name, replace: true });
    expect(missing.status).toBe(401);
    const foreign = await ingest({ ...UPDATE, entityName: name, replace: true }, 'finance-token');
    expect(foreign.status).toBe(403);
    expect(foreign.json.message).toMatch(/may not write to tenant "Data Engineering"/);

    const fixed = await ingest({ ...UPDATE, entityName: name, currentSla: 97, status: 'Passed', replace: true });
    expect(fixed.status, fixed.text).toBe(200);
    const result = fixed.json as unknown as IngestResult;
    expect(result.outcome).toBe('applied');
    expect(Date.parse(result.entity.observedAt)).toBeLessThanOrEqual(Date.now());
    expect(result.entity).toMatchObject({ currentSla: 97, status: 'Passed', stale: false });
    expect(Date.parse(result.entity.statusSince)).toBeLessThanOrEqual(Date.now());

    // The entity moves again with ordinary results, and the log says who forced it.
    const next = await ingest({ ...UPDATE, entityName: name, currentSla: 88, status: 'AtRisk' });
    expect((next.json as unknown as IngestResult).outcome).toBe('applied');
    expect((await changes(name)).map((c) => [c.source, c.applied])).toEqual([
      ['token#1', true],
      ['token#1', false],
      ['token#1 (replace)', true],
      ['token#1', true],
    ]);
    const recent = await getJson(
      app.url,
      `/api/cache/recent-changes?tenantName=${encodeURIComponent(UPDATE.tenantName)}`,
    );
    const sources = (recent.json.changes as Change[]).filter((c) => c.entityName === name).map((c) => c.source);
    expect(sources).toContain('token#1 (replace)');
  });

  it('replace with an older observedAt than the stored one is applied, and replays of it are not duplicates', async () => {
    const name = 'replace_older';
    await poison(name);
    const t = '2026-01-01T00:00:00.000Z';
    const body = { ...UPDATE, entityName: name, currentSla: 90, observedAt: t, replace: true };
    const first = await ingest(body);
    expect((first.json as unknown as IngestResult).entity.observedAt).toBe(t);
    // The same observation without replace is a duplicate of what is now stored.
    const replay = await ingest({ ...body, replace: undefined });
    expect((replay.json as unknown as IngestResult).outcome).toBe('duplicate');
  });

  it('replace works per item in a batch', async () => {
    await poison('batch_frozen');
    const r = await ingest(
      {
        updates: [
          { ...UPDATE, entityName: 'batch_frozen', currentSla: 91, replace: true },
          { ...UPDATE, entityName: 'batch_other', currentSla: 92 },
        ],
      },
      'ops-token',
      MANY,
    );
    expect(r.status, r.text).toBe(200);
    expect((r.json.results as IngestResult[]).map((x) => x.outcome)).toEqual(['applied', 'applied']);
    expect((await changes('batch_frozen')).map((c) => c.source)).toEqual(['token#1', 'token#1 (replace)']);
    expect((await changes('batch_other')).map((c) => c.source)).toEqual(['token#1']);
  });
});

describe('replace with ingest open (no INGEST_TOKENS, outside production)', () => {
  const schema = uniqueSchema('ingest_future_open');
  let app: App;
  beforeAll(async () => {
    app = await startPod({ schema });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  it('is accepted, as every write is, and recorded as "open (replace)"', async () => {
    const r = await post(app.url, ONE, { ...UPDATE, entityName: 'open_fix', replace: true });
    expect(r.status, r.text).toBe(200);
    const [row] = await query<{ source: string }>(
      `SELECT source FROM "${schema}".sla_change WHERE entity_name = 'open_fix'`,
    );
    expect(row?.source).toBe('open (replace)');
  });
});
