import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, eventually, getJson, post, startPod, uniqueSchema } from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';
import { range, subscribeChanges, updateFor } from '../ingest/helpers.js';
import { scrape } from '../ops/prom-text.js';
import { type RawSubscriber, rawSubscriber } from './raw-subscriber.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const batch = (from: number, n: number) => ({ updates: range(from, from + n - 1).map((i) => updateFor(i)) });
const head = async (url: string) => Number((await getJson(url, '/api/cache/status')).json.lastChangeId);

describe('fan-out to many subscribers over two pods', () => {
  const schema = uniqueSchema('fanout');
  const prefix = uniquePrefix('fanout');
  let a: App;
  let b: App;
  beforeAll(async () => {
    a = await startPod({ schema, POD_ID: 'fanout-a', REDIS_URL, REDIS_KEY_PREFIX: prefix });
    b = await startPod({ schema, POD_ID: 'fanout-b', REDIS_URL, REDIS_KEY_PREFIX: prefix });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropSchema(schema);
  });

  it('every subscriber gets each change once, in order, with the same content as the REST list', async () => {
    const raw = await Promise.all(range(1, 40).map((i) => rawSubscriber(i % 2 ? a.url : b.url)));
    const client = await subscribeChanges(b.url);
    try {
      const start = await head(a.url);
      for (let i = 0; i < 10; i++)
        expect((await post(a.url, '/api/cache/incremental-update', updateFor(i))).status).toBe(200);
      expect((await post(b.url, '/api/cache/incremental-updates', batch(100, 200))).status).toBe(200);
      for (let i = 10; i < 20; i++)
        expect((await post(b.url, '/api/cache/incremental-update', updateFor(i))).status).toBe(200);
      const expected = range(start + 1, start + 220);
      for (const s of [...raw, client]) await s.waitForCount(expected.length);
      await new Promise((r) => setTimeout(r, 300));
      for (const s of raw) expect(s.ids).toEqual(expected);
      expect(client.ids).toEqual(expected);
      // The text serialised once for everyone decodes to what the REST list answers for the same changes.
      const listed = (await getJson(a.url, '/api/cache/recent-changes?limit=20')).json.changes as { id: number }[];
      expect(client.changes.slice(-20).reverse()).toEqual(listed);
    } finally {
      for (const s of raw) s.close();
      await client.close();
    }
  });
});

describe('a subscriber that stops reading', () => {
  const schema = uniqueSchema('fanout_slow');
  let pod: App;
  beforeAll(async () => {
    // The smallest bound the configuration allows, so a few batches overflow it.
    pod = await startPod({ schema, POD_ID: 'fanout-slow', WS_MAX_BUFFERED_BYTES: '16384' });
  });
  afterAll(async () => {
    await pod?.close();
    await dropSchema(schema);
  });

  const dropped = async () =>
    (await scrape(pod.url)).samples.find((x) => x.name === 'sla_websocket_slow_disconnects_total')?.value ?? 0;

  it('is dropped past its bound with code 4008 while others keep receiving, and resumes exactly once, in order', async () => {
    const start = await head(pod.url);
    const slow = await rawSubscriber(pod.url);
    const fast = await rawSubscriber(pod.url);
    let resumed: RawSubscriber | null = null;
    try {
      slow.pause();
      let sent = 0;
      // Until the pod drops it: its own buffer plus what the sockets of both ends hold.
      while ((await dropped()) === 0 && sent < 40_000) {
        expect((await post(pod.url, '/api/cache/incremental-updates', batch(sent, 1_000))).status).toBe(200);
        sent += 1_000;
      }
      expect(await dropped()).toBe(1);
      // The reader that keeps up has every change, while the slow one still holds its socket unread.
      await fast.waitForCount(sent);
      expect(fast.ids).toEqual(range(start + 1, start + sent));
      expect(slow.closed).toBeNull();

      slow.resume();
      await eventually(() => slow.closed !== null, 10_000, 'the slow subscriber to see the close');
      expect(slow.closed?.code).toBe(4008);
      expect(slow.closed?.reason).toMatch(/too slow.*lastEventId/);
      // What it got before the drop: a gapless prefix, each change once.
      const got = slow.ids.length;
      expect(got).toBeLessThan(sent);
      expect(slow.ids).toEqual(range(start + 1, start + got));

      // More changes while it is away, then it resumes from the last event it received.
      expect((await post(pod.url, '/api/cache/incremental-updates', batch(50_000, 500))).status).toBe(200);
      resumed = await rawSubscriber(pod.url, { lastEventId: slow.lastEventId() as string });
      const missed = range(start + got + 1, start + sent + 500);
      await resumed.waitForCount(missed.length);
      await new Promise((r) => setTimeout(r, 500));
      expect(resumed.ids).toEqual(missed);
      expect(resumed.closed).toBeNull();
    } finally {
      for (const s of [slow, fast, resumed]) s?.close();
    }
  });
});
