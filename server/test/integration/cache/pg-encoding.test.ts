import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../../src/cache/redis/store.js';
import { readEncodedSnapshot } from '../../../src/cache/refresh/pg-snapshot.js';
import { decodeEntity, encodeEntity } from '../../../src/cache/store/codec.js';
import { MemoryStore } from '../../../src/cache/store/memory-store.js';
import type { CacheStore, EncodedRow } from '../../../src/cache/store/types.js';
import type { Db, Sql } from '../../../src/db/sql.js';
import type { EntityState } from '../../../src/domain/entity.js';
import { dropSchema, PG_URL, uniqueSchema } from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';
import { migratedSchema } from '../../support/seed.js';
import { entity, metaFor, ODD, PGM } from './contract-helpers.js';
import { connect } from './redis-helpers.js';

// The refresh has PostgreSQL build each entity's encoding; everything else encodes in
// TypeScript. Both must read back the same, through every store read.
const ENTITIES: EntityState[] = [
  entity(1, { version: 11 }),
  entity(2, { ...ODD, version: 12, entityName: 'quote " and \\ and \u0001', status: 'AtRisk' }),
  entity(3, { ...PGM, version: 2 ** 40, currentSla: 0.1 + 0.2 }),
  entity(4, { tenantName: PGM.tenantName, teamName: 'PGM2', version: 14 }),
];

/** A Db on one pg client: enough for readEncodedSnapshot, which sends no parameters. */
function clientDb(client: pg.Client): Db {
  const sql: Sql = async <T>(query: string, params: unknown[] = []) => {
    if (params.length > 0) throw new Error('clientDb takes no parameters');
    return (await client.query(query)).rows as T[];
  };
  const tx = async <T>(fn: (s: Sql) => Promise<T>, begin = 'BEGIN'): Promise<T> => {
    await client.query(begin);
    try {
      const out = await fn(sql);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  };
  return { sql, tx, snapshotTx: (fn) => tx(fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY') };
}

describe('the entity encoding PostgreSQL builds', () => {
  const schema = uniqueSchema('pgencoding');
  const client = new pg.Client({ connectionString: PG_URL });
  let rows: EncodedRow[] = [];
  let teamCounts = new Map<string, number>();

  beforeAll(async () => {
    await migratedSchema(schema);
    await client.connect();
    await client.query(`SET search_path TO "${schema}"`);
    const ms = (v: number) => `'epoch'::timestamptz + ${v} * interval '1 millisecond'`;
    for (const e of ENTITIES) {
      await client.query(
        `INSERT INTO sla_entity (id, tenant_name, team_name, entity_type, entity_name, sla_target, current_sla, status,
                                 status_since, observed_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ${ms(e.statusSince)}, ${ms(e.observedAt)}, ${ms(e.updatedAt)}, $9)`,
        [e.id, e.tenantName, e.teamName, e.entityType, e.entityName, e.slaTarget, e.currentSla, e.status, e.version],
      );
    }
    await readEncodedSnapshot(clientDb(client), {
      onStart: (_, counts) => {
        teamCounts = counts;
      },
      onBatch: (batch) => {
        rows = rows.concat(batch);
      },
    });
  });
  afterAll(async () => {
    await client.end();
    await dropSchema(schema);
  });

  it('decodes to the entity the codec encodes, field for field', () => {
    expect(rows.map((r) => r.id).sort()).toEqual(ENTITIES.map((e) => e.id));
    for (const e of ENTITIES) {
      const text = rows.find((r) => r.id === e.id)?.text ?? '';
      expect(JSON.parse(text)).toEqual(JSON.parse(encodeEntity(e)));
      expect(decodeEntity(text)).toEqual(e);
    }
  });

  const stores: [string, () => Promise<{ store: CacheStore; close(): Promise<void> }>][] = [
    [
      'redis',
      async () => {
        const redis = await connect();
        const store = new RedisStore(redis, uniquePrefix('pgencoding'));
        const close = async () => {
          await store.clear();
          await redis.quit();
        };
        return { store, close };
      },
    ],
    ['memory', async () => ({ store: new MemoryStore(), close: async () => undefined })],
  ];

  it.each(stores)('serves a generation written from it through every read of the %s store', async (_, open) => {
    const { store, close } = await open();
    try {
      await store.beginGeneration(1, 0);
      await store.writeEncodedSnapshot(1, rows, teamCounts);
      expect(await store.switchGeneration(metaFor(1, 0), null)).toBe('switched');
      const byId = (list: EntityState[]) => [...list].sort((a, b) => a.id - b.id);
      expect(await store.listTeam(PGM)).toEqual(ENTITIES.filter((e) => e.teamName === PGM.teamName));
      expect(await store.listTeam(ODD)).toEqual([ENTITIES[1]]);
      expect(await store.listTeams()).toHaveLength(3);
      expect(await store.getEntity(2)).toEqual(ENTITIES[1]);
      const scanned: EntityState[] = [];
      await store.scan((batch) => void scanned.push(...batch));
      expect(byId(scanned)).toEqual(ENTITIES);
      expect(await store.counts()).toEqual({ entities: 4, teams: 3 });
    } finally {
      await close();
    }
  });
});
