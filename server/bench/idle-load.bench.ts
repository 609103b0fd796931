/**
 * PostgreSQL load of idle pods in redis mode: transactions per second (xact_commit +
 * xact_rollback of pg_stat_database, on a database made for the run) with N = 1, 3, 6 pods
 * that receive no requests, each measured over BENCH_SECONDS after the pods settled.
 *
 *   cd server && npx tsx bench/idle-load.bench.ts   # BENCH_SECONDS=60 BENCH_PODS=1,3,6
 */
import { Redis } from 'ioredis';
import type { App } from '../src/bootstrap.js';
import { post, startPod, UPDATE } from '../test/support/app.js';
import { createTestDatabase } from '../test/support/database.js';
import { uniquePrefix } from '../test/support/ids.js';
import { transactionsOf } from '../test/support/pg-load.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const COUNTS = (process.env.BENCH_PODS ?? '1,3,6').split(',').map(Number);
/** Long enough for start-up's statistics to be flushed (an idle backend flushes within ~10 s). */
const SETTLE_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(n: number): Promise<{ transactions: number; perSecond: number; perPodPerSecond: number }> {
  const db = await createTestDatabase(`idlebench${n}`);
  const prefix = uniquePrefix(`idlebench${n}`);
  const pods: App[] = [];
  try {
    for (let i = 0; i < n; i++)
      pods.push(
        await startPod({
          schema: 'sla',
          DATABASE_URL: db.url,
          REDIS_URL,
          REDIS_KEY_PREFIX: prefix,
          POD_ID: `idle-${i}`,
        }),
      );
    await post(pods[0]?.url ?? '', '/api/cache/incremental-update', UPDATE);
    await sleep(SETTLE_MS);
    const before = await transactionsOf(db.name);
    await sleep(SECONDS * 1000);
    const transactions = (await transactionsOf(db.name)) - before;
    return { transactions, perSecond: transactions / SECONDS, perPodPerSecond: transactions / SECONDS / n };
  } finally {
    for (const p of pods) await p.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await db.drop();
  }
}

console.log(`idle pods in redis mode, ${SECONDS} s each`);
console.log('| pods | transactions | transactions/s | per pod per s |\n|---|---|---|---|');
for (const n of COUNTS) {
  const r = await measure(n);
  console.log(`| ${n} | ${r.transactions} | ${r.perSecond.toFixed(3)} | ${r.perPodPerSecond.toFixed(3)} |`);
}
process.exit(0);
