import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../../../test/support/redis-server.js';
import { type StallProxy, startStallProxy } from '../../../test/support/stall-proxy.js';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';
import { dropSchema, getJson, type PodProcess, spawnPod, uniqueSchema } from '../support/app.js';
import { uniquePrefix } from '../support/ids.js';
import { PG_PORT, proxiedUrl, send } from './pg-fault.js';

type Line = { level: number; msg: string; [field: string]: unknown };

/** SQL text in a log line: a statement keyword followed by its clause, or one of our tables. */
const SQL_TEXT = /\b(select|insert|update|delete|declare|fetch)\b[\s\S]*\b(from|into|set|where)\b|sla_(change|entity)/i;
const WARN = 40;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One pod, run as an operator runs it (a process, LOG_LEVEL=info, stdout captured),
 * under a steady trickle of ingest and reads, through PostgreSQL refusing connections,
 * PostgreSQL black-holed, Redis going away, and Redis coming back empty while PostgreSQL
 * is still down (so the refresh that must rebuild Redis keeps failing). What an operator's
 * log pipeline sees must stay parseable, free of SQL, and short.
 */
describe('logs through PostgreSQL and Redis outages', () => {
  const schema = uniqueSchema('outage_logs');
  let redis: TestRedisServer;
  let stall: StallProxy;
  let gate: TcpProxy;
  let pod: PodProcess;
  const marks: { at: number; phase: string }[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    stall = await startStallProxy(PG_PORT);
    // pod -> gate (refuses while paused) -> stall (black-holes while stalled) -> PostgreSQL
    gate = await startTcpProxy(stall.port);
    pod = await spawnPod({
      DATABASE_URL: proxiedUrl(gate.port),
      DATABASE_SCHEMA: schema,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: uniquePrefix('logs'),
      POD_ID: 'outage-logs',
      // Due every 7.2 s, so a scheduled refresh falls into each outage.
      CACHE_REFRESH_INTERVAL_HOURS: '0.002',
      LOG_LEVEL: 'info',
    });
  });
  afterAll(async () => {
    pod?.kill('SIGKILL');
    await pod?.exited;
    await gate?.close();
    await stall?.close();
    await redis?.close();
    await dropSchema(schema);
  });

  it('writes only JSON lines, without SQL text, and a bounded number of warnings per outage', async () => {
    let stop = false;
    const traffic = (async () => {
      for (let i = 0; !stop; i++) {
        await Promise.all([
          ...[0, 1, 2, 3].map((w) => send(pod.url, `e_${w}_${i % 20}`)),
          getJson(pod.url, '/api/cache/status').catch(() => null),
          fetch(`${pod.url}/api/cache/recent-changes?limit=5`).then(
            (r) => r.text(),
            () => null,
          ),
          fetch(`${pod.url}/api/health`).then(
            (r) => r.text(),
            () => null,
          ),
        ]);
        await sleep(50);
      }
    })();
    const phase = async (
      name: string,
      down: () => Promise<void> | void,
      up: () => Promise<void> | void,
      ms = 6_000,
    ) => {
      marks.push({ at: pod.stdout().length, phase: name });
      await down();
      await sleep(ms);
      await up();
      await sleep(3_000);
    };
    await sleep(1_000);
    await phase('postgres refused', gate.pause, gate.resume);
    await phase('postgres black-holed', stall.stall, stall.heal);
    await phase('redis stopped', redis.stop, redis.start);
    await phase('redis frozen', redis.freeze, redis.thaw, 4_000);
    await phase(
      'redis back empty while postgres is down',
      async () => {
        gate.pause();
        await redis.stop();
        await sleep(1_000);
        await redis.start();
      },
      gate.resume,
      8_000,
    );
    stop = true;
    await traffic;
    marks.push({ at: pod.stdout().length, phase: 'end' });

    const out = pod.stdout();
    const raw = out.split('\n').filter((l) => l.trim() !== '');
    const notJson = raw.filter((l) => {
      try {
        return typeof JSON.parse(l) !== 'object';
      } catch {
        return true;
      }
    });
    expect(notJson, 'stdout lines that are not JSON').toEqual([]);
    expect(
      raw.filter((l) => SQL_TEXT.test(l)),
      'log lines carrying SQL text',
    ).toEqual([]);

    for (let p = 0; p < marks.length - 1; p++) {
      const { at, phase: name } = marks[p] as { at: number; phase: string };
      const lines = out
        .slice(at, (marks[p + 1] as { at: number }).at)
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line);
      const warnings = lines.filter((l) => l.level >= WARN);
      const byMsg = new Map<string, number>();
      for (const l of warnings) byMsg.set(l.msg, (byMsg.get(l.msg) ?? 0) + 1);
      console.log(name, warnings.length, Object.fromEntries(byMsg));
      expect(warnings.length, `${name}: ${JSON.stringify(Object.fromEntries(byMsg))}`).toBeLessThanOrEqual(12);
      for (const [msg, n] of byMsg) expect(n, `${name}: "${msg}" logged ${n} times`).toBeLessThanOrEqual(3);
      // Refreshes that keep failing back off (1 s, 2 s, 4 s, ...) instead of retrying every second.
      const attempts = lines.filter((l) => l.msg === 'cache refresh started').length;
      expect(attempts, `${name}: ${attempts} refresh attempts`).toBeLessThanOrEqual(5);
    }
  });
});
