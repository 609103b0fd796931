import type { IngestBatchResult } from '@sla/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';
import { httpClient, query, rowCounts } from './helpers.js';

const MANY = '/api/cache/incremental-updates';
const T1 = '2026-03-01T10:00:00.001Z';
const T2 = '2026-03-01T11:00:00.002Z';
const T3 = '2026-03-01T12:00:00.999Z';
/** The earliest instant ingest accepts: its milliseconds must survive the epoch-ms path exactly. */
const EARLIEST = '0001-01-01T00:00:00.001Z';

type ChangeRow = {
  id: string;
  entity_id: number;
  entity_name: string;
  previous_sla: number | null;
  current_sla: number;
  applied: boolean;
  observed_at: Date;
  details: unknown;
};

describe('a batch written in one statement (entities by id, new ones inserted, change rows)', () => {
  const schema = uniqueSchema('ingest_batch_write');
  let app: App;
  beforeAll(async () => {
    app = await startPod({ schema });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  const batch = async (updates: unknown[]) => {
    const r = await post(app.url, MANY, { updates });
    expect(r.status, r.text).toBe(200);
    return r.json as unknown as IngestBatchResult;
  };
  const entityRow = async (name: string) =>
    (
      await query<{ id: number; current_sla: number; version: string; observed_at: Date; details: unknown }>(
        `SELECT id, current_sla, version, observed_at, details FROM "${schema}".sla_entity WHERE entity_name = $1`,
        [name],
      )
    )[0];
  const changeRows = async (fromId: number) =>
    query<ChangeRow>(
      `SELECT id, entity_id, entity_name, previous_sla, current_sla, applied, observed_at, details
         FROM "${schema}".sla_change WHERE id >= $1 ORDER BY id`,
      [fromId],
    );

  it('creates an entity and updates it in the same batch, with stale and repeated rows, each change naming the right entity', async () => {
    await batch([{ ...UPDATE, entityName: 'existing', currentSla: 50, status: 'Failed', observedAt: T2 }]);
    const before = await rowCounts(schema);
    // Quotes, backslashes and braces in names and details: the array literals must carry them unharmed.
    const odd = 'odd "quoted" \\ {name}, NULL';
    const r = await batch([
      {
        ...UPDATE,
        entityName: 'fresh',
        currentSla: 60,
        status: 'AtRisk',
        observedAt: T1,
        details: { note: 'a "b" \\ c' },
      },
      { ...UPDATE, entityName: 'existing', currentSla: 10, status: 'Failed', observedAt: T1 },
      { ...UPDATE, entityName: 'fresh', currentSla: 70, status: 'Passed', observedAt: T2 },
      { ...UPDATE, entityName: 'existing', currentSla: 90, status: 'Passed', observedAt: T3 },
      { ...UPDATE, entityName: 'fresh', currentSla: 70, status: 'Passed', observedAt: T2 },
      { ...UPDATE, entityName: 'fresh', currentSla: 5, status: 'Failed', observedAt: T1 },
      { ...UPDATE, entityName: odd, currentSla: 33.3, status: 'NoData', observedAt: EARLIEST },
    ]);
    expect(r.results.map((x) => x.outcome)).toEqual([
      'applied',
      'stale',
      'applied',
      'applied',
      'duplicate',
      'stale',
      'applied',
    ]);
    const first = before.changes + 1;
    expect(r.results.map((x) => x.changeId)).toEqual([
      first,
      first + 1,
      first + 2,
      first + 3,
      null,
      first + 4,
      first + 5,
    ]);
    expect(await rowCounts(schema)).toEqual({ changes: before.changes + 6, entities: before.entities + 2 });

    const fresh = await entityRow('fresh');
    const existing = await entityRow('existing');
    const oddRow = await entityRow(odd);
    // The new entity's id reaches every result and every change row of it, also those after its insert.
    for (const i of [0, 2, 4, 5]) expect(r.results[i]?.entity.id).toBe(fresh?.id);
    expect(r.results[6]?.entity).toMatchObject({ id: oddRow?.id, entityName: odd, observedAt: EARLIEST });
    expect(fresh).toMatchObject({ current_sla: 70, version: String(first + 2) });
    expect(fresh?.observed_at.toISOString()).toBe(T2);
    // A later result without details keeps the entity's details.
    expect(fresh?.details).toEqual({ note: 'a "b" \\ c' });
    expect(existing).toMatchObject({ current_sla: 90, version: String(first + 3) });
    expect(existing?.observed_at.toISOString()).toBe(T3);
    expect(oddRow?.observed_at.getTime()).toBe(Date.parse(EARLIEST));

    const rows = await changeRows(first);
    expect(
      rows.map((c) => [
        Number(c.id),
        c.entity_id,
        c.previous_sla,
        c.current_sla,
        c.applied,
        c.observed_at.toISOString(),
      ]),
    ).toEqual([
      [first, fresh?.id, null, 60, true, T1],
      [first + 1, existing?.id, 50, 10, false, T1],
      [first + 2, fresh?.id, 60, 70, true, T2],
      [first + 3, existing?.id, 50, 90, true, T3],
      [first + 4, fresh?.id, 70, 5, false, T1],
      [first + 5, oddRow?.id, null, 33.3, true, EARLIEST],
    ]);
    expect(rows[0]?.details).toEqual({ note: 'a "b" \\ c' });
    expect(rows[2]?.details).toBeNull();

    // The pod's view (fed by the commit hook) agrees with PostgreSQL.
    const list = await httpClient(app.url).entities.list.query({ q: 'fresh', limit: 5 });
    expect(list.items.find((e) => e.entityName === 'fresh')).toMatchObject({ id: fresh?.id, currentSla: 70 });
  });

  it('recognises a replay of a batch item already in the log, also when it is stale or from year 1', async () => {
    const before = await rowCounts(schema);
    const r = await batch([
      { ...UPDATE, entityName: 'existing', currentSla: 10, status: 'Failed', observedAt: T1 },
      { ...UPDATE, entityName: 'fresh', currentSla: 70, status: 'Passed', observedAt: T2 },
      { ...UPDATE, entityName: 'fresh', currentSla: 71, status: 'Passed', observedAt: T2 },
      {
        ...UPDATE,
        entityName: 'odd "quoted" \\ {name}, NULL',
        currentSla: 33.3,
        status: 'NoData',
        observedAt: EARLIEST,
      },
    ]);
    expect(r.results.map((x) => x.outcome)).toEqual(['duplicate', 'duplicate', 'applied', 'duplicate']);
    // A later transaction's result without details keeps the stored ones.
    expect(await entityRow('fresh')).toMatchObject({ current_sla: 71, details: { note: 'a "b" \\ c' } });
    // The stored time read back to the millisecond: the entity's own answer carries it unchanged.
    expect(r.results[3]?.entity.observedAt).toBe(EARLIEST);
    expect(await rowCounts(schema)).toEqual({ changes: before.changes + 1, entities: before.entities });
  });
});
