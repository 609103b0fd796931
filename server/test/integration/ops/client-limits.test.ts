import { MAX_BATCH_CALLS, MAX_SUBSCRIPTIONS_PER_SOCKET } from '@sla/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rawRequest } from '../../../../test/support/raw-http.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';
import { scrape } from './prom-text.js';

const schema = uniqueSchema('client_limits');
let pod: App;
beforeAll(async () => {
  pod = await startPod({ schema, POD_ID: 'limits' });
  const updates = Array.from({ length: 500 }, (_, i) => ({ ...UPDATE, entityName: `limits_${i}`, details: { i } }));
  expect((await post(pod.url, '/api/cache/incremental-updates', { updates })).status).toBe(200);
});
afterAll(async () => {
  await pod?.close();
  await dropSchema(schema);
});

type WsAnswer = {
  id: number | null;
  result?: { type?: string };
  error?: { message: string; data?: { code?: string } };
};

/** A raw tRPC WebSocket client: send protocol messages, wait for answers by id. */
async function openSocket(url: string) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/trpc`);
  const answers: WsAnswer[] = [];
  ws.on('message', (m) => {
    const text = m.toString();
    if (text !== 'PING') answers.push(JSON.parse(text) as WsAnswer);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const answer = async (pred: (a: WsAnswer) => boolean): Promise<WsAnswer> => {
    for (let i = 0; i < 200; i++) {
      const found = answers.find(pred);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no answer; got ${JSON.stringify(answers)}`);
  };
  return { ws, answers, answer, send: (msg: unknown) => ws.send(JSON.stringify(msg)) };
}

const subscribe = (id: number) => ({ id, method: 'subscription', params: { path: 'cache.onChange', input: {} } });
const summaries = (n: number) =>
  `/trpc/${Array(n).fill('entities.summary').join(',')}?batch=1&input=${encodeURIComponent('{}')}`;

describe('tRPC batches', () => {
  it(`over HTTP carry at most ${MAX_BATCH_CALLS} calls; a larger one gets 400 naming the limit`, async () => {
    const ok = await rawRequest(pod.url, summaries(MAX_BATCH_CALLS), { method: 'GET' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toHaveLength(MAX_BATCH_CALLS);
    for (const n of [MAX_BATCH_CALLS + 1, 900]) {
      const r = await rawRequest(pod.url, summaries(n), { method: 'GET' });
      expect(r.status).toBe(400);
      // Whatever the batch asked for, the answer is one short error, not 900 summaries.
      expect(r.text.length).toBeLessThan(1_000);
      expect(JSON.parse(r.text).error.message).toContain(`at most ${MAX_BATCH_CALLS} calls; this one has ${n}`);
    }
    const mutations = `/trpc/${Array(MAX_BATCH_CALLS + 1)
      .fill('auth.signOut')
      .join(',')}?batch=1`;
    const r = await rawRequest(pod.url, mutations, { body: '{}' });
    expect(r.status).toBe(400);
  });

  it(`over WebSocket carry at most ${MAX_BATCH_CALLS} calls per message`, async () => {
    const s = await openSocket(pod.url);
    try {
      const query = (id: number) => ({ id, method: 'query', params: { path: 'cache.status' } });
      s.send(Array.from({ length: MAX_BATCH_CALLS }, (_, i) => query(i + 1)));
      expect((await s.answer((a) => a.id === MAX_BATCH_CALLS)).result?.type).toBe('data');
      s.send(Array.from({ length: MAX_BATCH_CALLS + 1 }, (_, i) => query(100 + i)));
      const refused = await s.answer((a) => a.id === null && !!a.error);
      expect(refused.error?.message).toContain(`at most ${MAX_BATCH_CALLS} calls; this one has ${MAX_BATCH_CALLS + 1}`);
      expect(s.answers.some((a) => (a.id ?? 0) >= 100)).toBe(false);
    } finally {
      s.ws.close();
    }
  });
});

describe('subscriptions per WebSocket connection', () => {
  it(`are held to ${MAX_SUBSCRIPTIONS_PER_SOCKET}; one more gets a clear error, and stopping one frees a slot`, async () => {
    const s = await openSocket(pod.url);
    const other = await openSocket(pod.url);
    try {
      for (let id = 1; id <= MAX_SUBSCRIPTIONS_PER_SOCKET; id++) s.send(subscribe(id));
      for (let id = 1; id <= MAX_SUBSCRIPTIONS_PER_SOCKET; id++)
        expect((await s.answer((a) => a.id === id)).result?.type).toBe('started');
      s.send(subscribe(99));
      const refused = await s.answer((a) => a.id === 99);
      expect(refused.error?.data?.code).toBe('TOO_MANY_REQUESTS');
      expect(refused.error?.message).toContain(`already has ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions open`);
      // The limit is per connection: another one is not affected.
      other.send(subscribe(1));
      expect((await other.answer((a) => a.id === 1)).result?.type).toBe('started');

      s.send({ id: 3, method: 'subscription.stop' });
      await s.answer((a) => a.id === 3 && a.result?.type === 'stopped');
      s.send(subscribe(100));
      expect((await s.answer((a) => a.id === 100)).result?.type).toBe('started');
      s.send(subscribe(101));
      expect((await s.answer((a) => a.id === 101)).error?.data?.code).toBe('TOO_MANY_REQUESTS');
    } finally {
      s.ws.close();
      other.ws.close();
    }
  });
});

describe('WebSocket backpressure', () => {
  it('a client that stops reading its answers is disconnected instead of buffered without bound', async () => {
    const s = await openSocket(pod.url);
    let closed = false;
    s.ws.once('close', () => {
      closed = true;
    });
    const socket = (s.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    // Each answer is about 100 KB; the client keeps asking and reads nothing, as a stuck tab would.
    const list = (id: number) => ({ id, method: 'query', params: { path: 'entities.list', input: { limit: 500 } } });
    let sent = 0;
    for (const until = Date.now() + 15_000; !closed && Date.now() < until; sent++) {
      s.send(list(sent + 1));
      await new Promise((r) => setTimeout(r, 5));
    }
    socket.resume();
    for (let i = 0; i < 100 && !closed; i++) await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(true);
    // Cut well before the pod held every answer: 8 MiB of them plus what the sockets buffer.
    expect(s.answers.length).toBeLessThan(sent);
  });
});

describe('metric labels', () => {
  it('are route templates: unknown paths and methods add no series', async () => {
    const series = async () =>
      (await scrape(pod.url)).samples.filter((x) => x.name === 'sla_http_request_duration_seconds_count').length;
    // Warm up the label sets the loop below can legitimately use.
    for (const path of ['/api/docs/x', '/api/nope', '/trpc/nope', '/nope', '/api/health/nope'])
      for (const method of ['GET', 'PROPFIND']) await rawRequest(pod.url, path, { method });
    const before = await series();
    for (let i = 0; i < 60; i++)
      for (const path of [`/api/docs/x${i}`, `/api/nope${i}`, `/trpc/nope${i}`, `/nope${i}`, `/api/health/nope${i}`])
        await rawRequest(pod.url, path, { method: i % 2 ? 'GET' : 'PROPFIND' });
    // Only /metrics itself may have added its own series since.
    expect((await series()) - before).toBeLessThanOrEqual(1);
  });
});
