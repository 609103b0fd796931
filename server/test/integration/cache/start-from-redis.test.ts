import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPod } from '../../support/app.js';
import { pgEntities, podEntities, sorted } from '../../support/consistency.js';
import { adminQuery, createTestDatabase, type TestDatabase } from '../../support/database.js';
import { uniquePrefix } from '../../support/ids.js';
import { seedEntities } from '../../support/seed.js';

const ENTITIES = 10_000;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Rows PostgreSQL returned in one database (`pg_stat_database.tup_returned`: rows fetched
 * by sequential scans plus index entries returned), read after the counted pod closed, so
 * its backends have flushed their statistics.
 */
async function tuplesReturned(database: string): Promise<number> {
  const { rows } = await adminQuery(
    'SELECT pg_stat_clear_snapshot(), (SELECT tup_returned FROM pg_stat_database WHERE datname = $1) AS n',
    [database],
  );
  return Number(rows[0]?.n ?? 0);
}

describe('a pod starting while Redis holds a current cache', () => {
  let database: TestDatabase;
  const schema = 'sla';
  const prefix = uniquePrefix('startredis');
  const env = () => ({
    schema,
    DATABASE_URL: database.url,
    DATABASE_SCHEMA: schema,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
  });

  /** Tuples PostgreSQL returned while a pod started, was checked and closed. */
  async function countedStart(
    podEnv: Record<string, string>,
    check: (app: Awaited<ReturnType<typeof startPod>>) => Promise<void>,
  ) {
    await new Promise((r) => setTimeout(r, 1_100)); // earlier backends' statistics flushed
    const before = await tuplesReturned(database.name);
    const app = await startPod({ ...env(), ...podEnv });
    await check(app);
    await app.close();
    await new Promise((r) => setTimeout(r, 1_100));
    return (await tuplesReturned(database.name)) - before;
  }

  beforeAll(async () => {
    database = await createTestDatabase('start');
    // The first pod migrates the database and builds the Redis cache from PostgreSQL.
    const first = await startPod({ ...env(), POD_ID: 'builder' });
    await first.close();
    await seedEntities(schema, ENTITIES, 'Bulk', database.url);
    const builder = await startPod({ ...env(), POD_ID: 'builder-2' });
    await eventually(async () => (await builder.deps.cache.status()).mode === 'redis', 30_000, 'redis mode');
    expect(builder.deps.cache.view.size).toBe(ENTITIES);
    // A fleet that has a current Redis cache has a budget checkpoint beside it (the budget
    // state is the other thing a starting pod loads): written here before the builder stops.
    await eventually(async () => builder.deps.budgets.loaded, 30_000, 'budgets loaded');
    expect(await builder.deps.budgets.writeCheckpoint()).toBe(true);
    await builder.close();
  }, 120_000);

  afterAll(async () => {
    await database?.drop();
  });

  it('loads its view from Redis, reading less than 10% of the entity count from PostgreSQL, and equals PostgreSQL', async () => {
    let source: string | null = null;
    let view = new Map();
    const fromRedis = await countedStart({ POD_ID: 'from-redis' }, async (app) => {
      source = app.deps.cache.viewSource;
      view = podEntities(app);
    });
    expect(source).toBe('redis');
    expect(sorted(view)).toEqual(sorted(await pgEntities(schema, database.url)));
    // The same start without Redis: the count is able to see a snapshot read.
    const fromPostgres = await countedStart({ POD_ID: 'from-postgres', REDIS_URL: '' }, async (app) => {
      expect(app.deps.cache.viewSource).toBe('postgres');
    });
    console.log(
      `tuples PostgreSQL returned to a starting pod with ${ENTITIES} entities: ${fromRedis} (Redis current), ${fromPostgres} (no Redis)`,
    );
    expect(fromRedis).toBeLessThan(ENTITIES / 10);
    expect(fromPostgres).toBeGreaterThan(ENTITIES);
  });
});
