import type { Change, Entity, IngestBatchResult, IngestResult } from '@sla/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, getJson, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';
import { httpClient, query, rowCounts } from './helpers.js';

const ONE = '/api/cache/incremental-update';
const MANY = '/api/cache/incremental-updates';
const T1 = '2026-03-01T10:00:00.000Z';
const T2 = '2026-03-01T11:00:00.000Z';
const T3 = '2026-03-01T12:00:00.000Z';

describe('out-of-order and replayed poller results', () => {
  const schema = uniqueSchema('ingest_replay');
  let app: App;
  beforeAll(async () => {
    app = await startPod({ schema });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  const ingest = async (body: unknown) => {
    const r = await post(app.url, ONE, body);
    expect(r.status, r.text).toBe(200);
    return r.json as unknown as IngestResult;
  };
  const current = async (entityName: string) => {
    const list = await httpClient(app.url).entities.list.query({ q: entityName, limit: 10 });
    return list.items.find((e) => e.entityName === entityName) as Entity;
  };
  const stored = async (entityName: string) => {
    const [row] = await query<{ current_sla: number; status: string; observed_at: Date; version: string }>(
      `SELECT current_sla, status, observed_at, version FROM "${schema}".sla_entity WHERE entity_name = $1`,
      [entityName],
    );
    return (
      row && {
        currentSla: Number(row.current_sla),
        status: row.status,
        observedAt: row.observed_at.toISOString(),
        version: Number(row.version),
      }
    );
  };

  it('records an older observation as stale without moving the entity backwards', async () => {
    const name = 'stale_case';
    const newer = await ingest({ ...UPDATE, entityName: name, currentSla: 99, status: 'Passed', observedAt: T2 });
    expect(newer.outcome).toBe('applied');
    const older = await ingest({ ...UPDATE, entityName: name, currentSla: 12, status: 'Failed', observedAt: T1 });
    expect(older.outcome).toBe('stale');
    expect(older.changeId).toBe((newer.changeId as number) + 1);
    expect(older.entity).toMatchObject({ currentSla: 99, status: 'Passed', observedAt: T2, version: newer.changeId });

    expect(await stored(name)).toEqual({ currentSla: 99, status: 'Passed', observedAt: T2, version: newer.changeId });
    expect(await current(name)).toMatchObject({
      currentSla: 99,
      status: 'Passed',
      observedAt: T2,
      version: newer.changeId,
    });

    const recent = await getJson(app.url, '/api/cache/recent-changes?limit=5');
    const [top, next] = recent.json.changes as Change[];
    expect(top).toMatchObject({
      id: older.changeId,
      entityName: name,
      applied: false,
      currentSla: 12,
      status: 'Failed',
      observedAt: T1,
    });
    expect(next).toMatchObject({ id: newer.changeId, applied: true, currentSla: 99 });
  });

  it('answers duplicate for a replayed result and writes no change row', async () => {
    const name = 'duplicate_case';
    const body = { ...UPDATE, entityName: name, currentSla: 97.25, status: 'Passed', observedAt: T2 };
    const first = await ingest(body);
    expect(first.outcome).toBe('applied');
    const before = await rowCounts(schema);
    const again = await ingest(body);
    expect(again.outcome).toBe('duplicate');
    expect(again.changeId).toBeNull();
    expect(again.entity).toEqual(first.entity);
    // The same instant written another way is the same observation.
    expect((await ingest({ ...body, observedAt: '2026-03-01T12:00:00+01:00' })).outcome).toBe('duplicate');
    expect(await rowCounts(schema)).toEqual(before);
    const recent = await getJson(app.url, '/api/cache/recent-changes?limit=1');
    expect((recent.json.changes as Change[])[0]?.id).toBe(first.changeId);

    // A replay of a stale result is a duplicate too; a different value at the same instant is not.
    await ingest({ ...body, currentSla: 50, observedAt: T1 });
    const countAfterStale = await rowCounts(schema);
    expect((await ingest({ ...body, currentSla: 50, observedAt: T1 })).outcome).toBe('duplicate');
    expect(await rowCounts(schema)).toEqual(countAfterStale);
    expect((await ingest({ ...body, currentSla: 96 })).outcome).toBe('applied');
  });

  it('reports each item of a batch with its own outcome, in order, in one response', async () => {
    const name = 'batch_case';
    await ingest({ ...UPDATE, entityName: name, currentSla: 80, status: 'AtRisk', observedAt: T2 });
    const before = await rowCounts(schema);
    const r = await post(app.url, MANY, {
      updates: [
        { ...UPDATE, entityName: name, currentSla: 10, status: 'Failed', observedAt: T1 },
        { ...UPDATE, entityName: name, currentSla: 80, status: 'AtRisk', observedAt: T2 },
        { ...UPDATE, entityName: name, currentSla: 90, status: 'Passed', observedAt: T3 },
        { ...UPDATE, entityName: name, currentSla: 90, status: 'Passed', observedAt: T3 },
        { ...UPDATE, entityName: 'batch_new', currentSla: 70, status: 'Failed', observedAt: T1 },
      ],
    });
    expect(r.status, r.text).toBe(200);
    const batch = r.json as unknown as IngestBatchResult;
    expect(batch.results.map((x) => x.outcome)).toEqual(['stale', 'duplicate', 'applied', 'duplicate', 'applied']);
    expect({ applied: batch.applied, stale: batch.stale, duplicate: batch.duplicate }).toEqual({
      applied: 2,
      stale: 1,
      duplicate: 2,
    });
    const ids = batch.results.map((x) => x.changeId);
    expect(ids[1]).toBeNull();
    expect(ids[3]).toBeNull();
    expect([ids[0], ids[2], ids[4]]).toEqual([before.changes + 1, before.changes + 2, before.changes + 3]);
    expect(await rowCounts(schema)).toEqual({ changes: before.changes + 3, entities: before.entities + 1 });
    expect(await stored(name)).toMatchObject({ currentSla: 90, status: 'Passed', observedAt: T3 });
    expect(await current(name)).toMatchObject({ currentSla: 90, status: 'Passed', observedAt: T3, version: ids[2] });
  });
});
