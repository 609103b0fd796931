import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timelinesFromLog } from '../../../src/budget/pg-timelines.js';
import { copyOutOn, cursorRows } from '../../../src/db/copy-out.js';
import type { Sql } from '../../../src/db/sql.js';
import { appendResult, pruneBefore } from '../../../src/domain/budget/index.js';
import type { Timeline } from '../../../src/domain/budget/types.js';
import { PG_URL, uniqueSchema } from '../../support/app.js';
import { dropSchema } from '../../support/pg-schema.js';

const STALE = 60 * 60_000;
const T0 = Date.UTC(2026, 10, 1);
const STATUSES = ['Passed', 'Failed', 'AtRisk', 'NoData'] as const;

type Row = {
  id: number;
  entityId: number;
  observedAt: number;
  status: (typeof STATUSES)[number];
  sla: number;
  target: number;
  applied: boolean;
};

/** A seeded generator, so a failure repeats. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A log like ingest writes it: mostly ascending observations, some gaps past the stale time, a few out of order. */
function history(entities: number, perEntity: number): Row[] {
  const r = rng(42);
  const rows: Row[] = [];
  const at = new Map<number, number>();
  let id = 0;
  for (let k = 0; k < entities * perEntity; k++) {
    const entityId = 1 + Math.floor(r() * entities);
    const prev = at.get(entityId) ?? T0 + Math.floor(r() * 3_600_000);
    const gap = r() < 0.1 ? STALE + Math.floor(r() * STALE) : Math.floor(r() * 40 * 60_000);
    const back = r() < 0.05;
    const observedAt = back ? prev - 60_000 : prev + gap;
    if (!back) at.set(entityId, observedAt);
    const target = r() < 0.1 ? 99 : 95;
    rows.push({
      id: ++id,
      entityId,
      observedAt,
      status: STATUSES[Math.floor(r() * 4)] as Row['status'],
      sla: 90 + Math.floor(r() * 100) / 10,
      target,
      applied: !back || r() < 0.5,
    });
  }
  return rows;
}

describe('timelinesFromLog', () => {
  const schema = uniqueSchema('budget_pg');
  const client = new pg.Client({ connectionString: PG_URL });
  const rows = history(40, 60);
  // knex-style `?` placeholders on a plain client (the cursor needs the transaction opened below).
  const sql: Sql = async <T>(q: string, params: unknown[] = []) => {
    let n = 0;
    return (
      await client.query(
        q.replace(/\?/g, () => `$${++n}`),
        params,
      )
    ).rows as T[];
  };

  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
    await client.query(`create table sla_change (id bigint primary key, entity_id int not null, tenant_name text not null,
      team_name text not null, entity_type text not null, entity_name text not null, current_sla float8 not null,
      status text not null, sla_target float8 not null, observed_at timestamptz not null, applied boolean not null)`);
    await client.query(
      `create table sla_entity (id int primary key, tenant_name text not null, team_name text not null)`,
    );
    await client.query(`create index on sla_change (entity_id, observed_at)`);
    // Entity 41 has no result at all: it gets no timeline.
    for (let id = 1; id <= 41; id++)
      await client.query(`insert into sla_entity values ($1, $2, 'team')`, [id, id % 2 ? 'A' : 'B']);
    for (const r of rows)
      await client.query(
        `insert into sla_change values ($1, $2::int, $3, 'team', 'table', 'e' || $2::text, $4, $5, $6, $7, $8)`,
        [r.id, r.entityId, r.entityId % 2 ? 'A' : 'B', r.sla, r.status, r.target, new Date(r.observedAt), r.applied],
      );
  });
  afterAll(async () => {
    await client.end();
    await dropSchema(PG_URL, schema);
  });

  /** What the book builds: every applied change in commit order through appendResult, then pruned. */
  function folded(filter: (r: Row) => boolean, from: number, to: number): Map<number, Timeline> {
    const out = new Map<number, Timeline>();
    for (const r of rows) {
      if (!r.applied || r.observedAt >= to || !filter(r)) continue;
      const t = appendResult(out.get(r.entityId) ?? null, { ...r, currentSla: r.sla, slaTarget: r.target }, STALE);
      out.set(r.entityId, t);
    }
    for (const t of out.values()) pruneBefore(t, from);
    return out;
  }

  /** Through COPY (PostgreSQL) and through a cursor (the embedded database's path): both must agree. */
  const read = async (filter: Parameters<typeof timelinesFromLog>[1], from: number, to: number) => {
    const got: Map<number, Timeline>[] = [];
    for (const reader of [copyOutOn(client), cursorRows(sql)]) {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        got.push(await timelinesFromLog(reader, filter, { from, to }, { staleAfterMs: STALE }));
      } finally {
        await client.query('COMMIT');
      }
    }
    expect(got[1]).toEqual(got[0]);
    return got[0] as Map<number, Timeline>;
  };

  /**
   * Equal from `from` on: the read starts each entity at its last result before `from`, so the
   * first segment may start later than the full fold's (which merged older results into it) and
   * its SLA-ms covers less; and the first observation before `from` stands in for the first.
   * What figures read — every instant from `from` on, its class, target, and the open result —
   * must be the same.
   */
  function expectSame(got: Map<number, Timeline>, want: Map<number, Timeline>, from = 0) {
    expect([...got.keys()].sort((a, b) => a - b)).toEqual([...want.keys()].sort((a, b) => a - b));
    const view = (t: Timeline) => ({
      horizon: t.horizon,
      firstObservedAt: t.firstObservedAt >= from ? t.firstObservedAt : 'before the range',
      open: t.open,
      segments: t.segments.map((s) => ({
        start: Math.max(s.start, from),
        end: s.end,
        cls: s.cls,
        target: s.target,
        slaMs: s.start >= from ? Math.round(s.slaMs) : 'partial',
      })),
    });
    for (const [id, w] of want) expect(view(got.get(id) as Timeline)).toEqual(view(w));
  }

  it('builds exactly the timelines appendResult builds from the same log, through COPY and through a cursor', async () => {
    const end = Math.max(...rows.map((r) => r.observedAt)) + 1;
    expectSame(
      await read({}, 0, end),
      folded(() => true, 0, end),
    );
  });

  it('keeps only what ends after the range start and ignores results from its end on', async () => {
    const from = T0 + 12 * 3_600_000;
    const to = T0 + 30 * 3_600_000;
    expectSame(
      await read({}, from, to),
      folded(() => true, from, to),
      from,
    );
  });

  it('filters by tenant and by entity ids', async () => {
    const end = Date.UTC(2030, 0, 1);
    expectSame(
      await read({ tenantName: 'A' }, 0, end),
      folded((r) => r.entityId % 2 === 1, 0, end),
    );
    expectSame(
      await read({ entityIds: [2, 3, 4] }, 0, end),
      folded((r) => [2, 3, 4].includes(r.entityId), 0, end),
    );
  });
});
