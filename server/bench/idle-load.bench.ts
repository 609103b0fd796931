/**
 * PostgreSQL load of idle pods in redis mode: transactions per second (counted on the wire
 * through a proxy between the pods and PostgreSQL, `pgTransactionTap`, on a database made for
 * the run) with N = 1, 3, 6 pods that receive no requests, each measured over BENCH_SECONDS
 * after the pods settled.
 *
 * The baseline is the 1-pod figure of the same run (per pod, more pods should cost the
 * same). Part of `pnpm bench`; alone:
 *
 *   cd server && npx tsx bench/idle-load.bench.ts   # BENCH_SECONDS=60 BENCH_PODS=1,3,6
 *
 * `quick`: 1 pod, 5 s, 3 s to settle (a smoke test: transactions are counted on the wire as they
 * happen, so nothing needs time to be flushed).
 */
import { Redis } from 'ioredis';
import { startTcpProxy } from '../../test/support/tcp-proxy.js';
import type { App } from '../src/bootstrap.js';
import { post, startPod, UPDATE } from '../test/support/app.js';
import { createTestDatabase } from '../test/support/database.js';
import { uniquePrefix } from '../test/support/ids.js';
import { pgTransactionTap } from '../test/support/pg-wire.js';
import { isEntry, mdTable } from './util.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Long enough for start-up's work (first lease grants, budget load, first evaluation) to be over. */
const SETTLE_MS = 20_000;
const QUICK_SETTLE_MS = 3_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Row = { pods: number; transactions: number; perSecond: number; perPodPerSecond: number };

async function measure(n: number, seconds: number, settleMs: number): Promise<Row> {
  const db = await createTestDatabase(`idlebench${n}`);
  const prefix = uniquePrefix(`idlebench${n}`);
  const pods: App[] = [];
  const tap = pgTransactionTap();
  const url = new URL(db.url);
  const proxy = await startTcpProxy(Number(url.port || 5432), url.hostname, tap);
  url.port = String(proxy.port);
  try {
    for (let i = 0; i < n; i++)
      pods.push(
        await startPod({
          schema: 'sla',
          DATABASE_URL: url.toString(),
          REDIS_URL,
          REDIS_KEY_PREFIX: prefix,
          POD_ID: `idle-${i}`,
        }),
      );
    await post(pods[0]?.url ?? '', '/api/cache/incremental-update', UPDATE);
    await sleep(settleMs);
    tap.take();
    await sleep(seconds * 1000);
    const transactions = tap.take().count;
    return { pods: n, transactions, perSecond: transactions / seconds, perPodPerSecond: transactions / seconds / n };
  } finally {
    for (const p of pods) await p.close();
    await proxy.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await db.drop();
  }
}

/** Runs the bench; `quick`: 1 pod over 5 s. */
export async function run(opts: { quick?: boolean } = {}) {
  const seconds = Number(process.env.BENCH_SECONDS ?? (opts.quick ? 5 : 60));
  const counts = (process.env.BENCH_PODS ?? (opts.quick ? '1' : '1,3,6')).split(',').map(Number);
  const rows: Row[] = [];
  for (const n of counts) {
    rows.push(await measure(n, seconds, opts.quick ? QUICK_SETTLE_MS : SETTLE_MS));
    console.log(JSON.stringify(rows.at(-1)));
  }
  const base = rows[0] as Row;
  const table = [
    `Idle pods in redis mode, ${seconds} s each.`,
    '',
    mdTable(
      ['pods', `transactions in ${seconds} s`, 'transactions/s', 'per pod per s', `per pod ÷ ${base.pods} pod`],
      rows.map((r) => [
        r.pods,
        r.transactions,
        r.perSecond.toFixed(3),
        r.perPodPerSecond.toFixed(3),
        base.perPodPerSecond > 0 ? `${(r.perPodPerSecond / base.perPodPerSecond).toFixed(2)}×` : '–',
      ]),
    ),
  ].join('\n');
  return { seconds, rows, table };
}

if (isEntry(import.meta.url)) {
  const result = await run();
  console.log(result.table);
  process.exit(0);
}
