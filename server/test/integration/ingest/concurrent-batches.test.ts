import type { IngestBatchResult } from '@sla/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, post, startPod, uniqueSchema } from '../../support/app.js';
import { query, range, updateFor } from './helpers.js';

const ENTITIES = 60;
const BATCHES_PER_CLIENT = 6;
const CLIENTS_PER_POD = 3;
const BATCH = 150;
const BASE = Date.parse('2026-03-01T00:00:00.000Z');

type Row = {
  id: string;
  entity_id: number;
  previous_sla: number | null;
  current_sla: number;
  applied: boolean;
  observed_at: Date;
};

/**
 * Batches that overlap in time and in entities, from several clients on two pods: each pod's
 * group commit merges what is queued into one transaction (one load, one write statement),
 * and both pods queue on the change-order lock. The log must still read as one serial history.
 */
describe('concurrent batches on two pods', () => {
  const schema = uniqueSchema('ingest_concurrent_batches');
  let a: App;
  let b: App;
  const answered: number[] = [];
  let total = 0;

  beforeAll(async () => {
    a = await startPod({ schema, POD_ID: 'pod-a' });
    b = await startPod({ schema, POD_ID: 'pod-b' });
    const client = async (url: string) => {
      for (let k = 0; k < BATCHES_PER_CLIENT; k++) {
        // Random entities (repeats within a batch too) and observation times, so some results are stale.
        const updates = Array.from({ length: BATCH }, () =>
          updateFor(Math.floor(Math.random() * ENTITIES), {
            observedAt: new Date(BASE + Math.floor(Math.random() * 3_600_000)).toISOString(),
          }),
        );
        const r = await post(url, '/api/cache/incremental-updates', { updates });
        if (r.status !== 200) throw new Error(`ingest answered ${r.status}: ${r.text}`);
        for (const res of (r.json as unknown as IngestBatchResult).results)
          if (res.changeId !== null) answered.push(res.changeId);
      }
    };
    await Promise.all([a, b].flatMap((pod) => Array.from({ length: CLIENTS_PER_POD }, () => client(pod.url))));
    total = answered.length;
  }, 180_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropSchema(schema);
  });

  it('answers change ids 1..N, each once, and the log holds exactly those', async () => {
    expect(total).toBeGreaterThan(BATCH);
    expect([...answered].sort((x, y) => x - y)).toEqual(range(1, total));
    const [row] = await query<{ n: string; hi: string }>(
      `SELECT count(*) AS n, max(id) AS hi FROM "${schema}".sla_change`,
    );
    expect(row).toEqual({ n: String(total), hi: String(total) });
  });

  it('reads as one serial history: each change saw the state the changes before it left', async () => {
    const rows = await query<Row>(
      `SELECT id, entity_id, previous_sla, current_sla, applied, observed_at FROM "${schema}".sla_change ORDER BY id`,
    );
    const state = new Map<number, { sla: number; observedAt: number; version: number }>();
    for (const c of rows) {
      const before = state.get(c.entity_id);
      const observedAt = c.observed_at.getTime();
      expect(c.previous_sla, `change ${c.id}`).toBe(before ? before.sla : null);
      expect(c.applied, `change ${c.id}`).toBe(!before || observedAt >= before.observedAt);
      if (c.applied) state.set(c.entity_id, { sla: c.current_sla, observedAt, version: Number(c.id) });
    }
    const entities = await query<{ id: number; current_sla: number; version: string; observed_at: Date }>(
      `SELECT id, current_sla, version, observed_at FROM "${schema}".sla_entity`,
    );
    expect(entities).toHaveLength(state.size);
    for (const e of entities)
      expect({ sla: e.current_sla, observedAt: e.observed_at.getTime(), version: Number(e.version) }).toEqual(
        state.get(e.id),
      );
  });
});
