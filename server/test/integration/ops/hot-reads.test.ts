import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createTRPCClient, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../../src/app-router.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, eventually, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';

type Raw = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Header names and values as sent, in order. */
  rawHeaders: string[];
  body: Buffer;
};

/** A GET with exactly these headers (fetch would add and strip Accept-Encoding itself). */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const json = (r: Raw) => JSON.parse(r.body.toString('utf8'));
const LIST = `/trpc/entities.list?input=${encodeURIComponent(JSON.stringify({ limit: 50 }))}`;
const update = (i: number, currentSla = 90) => ({
  ...UPDATE,
  entityName: `hot_${i}`,
  currentSla,
  observedAt: new Date(Date.now() - 60_000 + i).toISOString(),
});

describe('hot reads: cached bytes, ETags, compression (two pods on one database)', () => {
  const schema = uniqueSchema('hot_reads');
  let a: App;
  let b: App;
  beforeAll(async () => {
    a = await startPod({ schema, POD_ID: 'hot-a' });
    b = await startPod({ schema, POD_ID: 'hot-b' });
    for (let i = 0; i < 30; i++)
      expect((await post(a.url, '/api/cache/incremental-update', update(i))).status).toBe(200);
    await eventually(() => b.deps.cache.view.size === 30, 10_000, 'pod b to apply the seed');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropSchema(schema);
  });

  it('answers in the stock wire formats (tRPC envelope, batch array, bare REST JSON)', async () => {
    const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${a.url}/trpc` })] });
    const lean = await get(a.url, LIST);
    expect(lean.status).toBe(200);
    expect(lean.headers['content-type']).toBe('application/json');
    expect(json(lean)).toEqual({ result: { data: await client.entities.list.query({ limit: 50 }) } });
    const batch = await get(
      a.url,
      `/trpc/entities.facets,entities.list?batch=1&input=${encodeURIComponent(JSON.stringify({ 1: { limit: 50 } }))}`,
    );
    expect(json(batch)).toEqual([
      { result: { data: await client.entities.facets.query() } },
      { result: { data: await client.entities.list.query({ limit: 50 }) } },
    ]);
    const rest = await get(a.url, '/api/cache/recent-changes?limit=5');
    expect(rest.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json(rest).changes).toHaveLength(5);
  });

  it('leaves errors and oversized batches to the stock adapters', async () => {
    const bad = await get(a.url, `/trpc/entities.list?input=${encodeURIComponent('{"limit":-1}')}`);
    expect(bad.status).toBe(400);
    expect(bad.headers.etag).toBeUndefined();
    // The same error as the stock adapter gives (it answers failed batches).
    const stock = await get(a.url, `/trpc/entities.list?batch=1&input=${encodeURIComponent('{"0":{"limit":-1}}')}`);
    expect(json(bad)).toEqual(json(stock)[0]);
    const names = Array.from({ length: 11 }, () => 'entities.facets').join(',');
    const big = await get(a.url, `/trpc/${names}?batch=1`);
    expect(big.status).toBe(400);
    expect(big.body.toString()).toContain('at most 10 calls');
    const repeated = await get(a.url, '/api/cache/recent-changes?limit=5&limit=6');
    expect(repeated.status).toBe(400);
    const malformed = await get(a.url, '/trpc/entities.list%E0%A4%A?input=%7B%7D');
    expect(malformed.status, malformed.body.toString()).toBeGreaterThanOrEqual(400);
    expect(malformed.status, malformed.body.toString()).toBeLessThan(500);
  });

  it('answers 304 only while nothing changed, and never serves an answer after this pod applied a change', async () => {
    const first = await get(a.url, LIST);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get(a.url, LIST, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const res = await post(a.url, '/api/cache/incremental-update', update(3, 12.5));
    expect(res.status).toBe(200);
    const after = await get(a.url, LIST, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    const items = json(after).result.data.items as { entityName: string; currentSla: number }[];
    expect(items.find((e) => e.entityName === 'hot_3')?.currentSla).toBe(12.5);
  });

  it('on another pod, the first read after its view applied the change shows it (the summary within 1 s)', async () => {
    const summary = `/trpc/entities.summary?input=${encodeURIComponent('{"worst":50}')}`;
    // Pod b first catches up with the earlier tests' changes, so the revision below moves for this change only.
    await eventually(
      () => b.deps.cache.follower.applied === a.deps.cache.follower.applied,
      10_000,
      'pod b to catch up with pod a',
    );
    const list = await get(b.url, LIST);
    const before = await get(b.url, summary);
    const revision = b.deps.cache.view.revision;
    expect((await post(a.url, '/api/cache/incremental-update', update(4, 1.5))).status).toBe(200);
    await eventually(() => b.deps.cache.view.revision !== revision, 10_000, 'pod b to apply the change');
    const applied = Date.now();
    const after = await get(b.url, LIST, { 'if-none-match': list.headers.etag as string });
    expect(after.status).toBe(200);
    expect(after.body.toString()).toContain('"currentSla":1.5');
    const recent = await get(b.url, '/api/cache/recent-changes?limit=1');
    expect(json(recent).changes[0].entityName).toBe('hot_4');
    // The summary is memoised within the whole second (readmodel/memo.ts): at most 1 s behind.
    let shown: Raw;
    for (;;) {
      shown = await get(b.url, summary, { 'if-none-match': before.headers.etag as string });
      if (shown.status === 200 && shown.body.toString().includes('"currentSla":1.5')) break;
      expect(Date.now() - applied).toBeLessThan(1_100);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(shown.headers.etag).not.toBe(before.headers.etag);
  });

  it('compresses answers over 1 kB with the negotiated coding; the bodies decode to the same JSON', async () => {
    const plain = await get(a.url, LIST);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toContain('Accept-Encoding');
    const gz = await get(a.url, LIST, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.length).toBeLessThan(plain.body.length);
    expect(JSON.parse(gunzipSync(gz.body).toString())).toEqual(json(plain));
    const br = await get(a.url, LIST, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(json(plain));
    // The same answer, whatever the coding: one ETag.
    expect(gz.headers.etag).toBe(plain.headers.etag);
    const refused = await get(a.url, LIST, { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    const small = await get(a.url, '/trpc/entities.facets', { 'accept-encoding': 'gzip' });
    expect(small.body.length).toBeLessThan(1024);
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('a stored answer goes out with the header fields of a computed one, in the same order', async () => {
    const url = `/trpc/entities.list?input=${encodeURIComponent(JSON.stringify({ limit: 7 }))}`;
    // Early in a second, so the requests after the first find its answer current (the key holds the second).
    while (Date.now() % 1000 > 300) await new Promise((r) => setTimeout(r, 20));
    // Every field as sent, but the two that differ per request by design.
    const perRequest = (fields: string[], names: RegExp) =>
      fields.filter((_, i) => !names.test(fields[i - (i % 2)] as string));
    const fields = async (headers: Record<string, string> = {}) => {
      const r = await get(a.url, url, headers);
      return { status: r.status, body: r.body.toString(), fields: perRequest(r.rawHeaders, /^(x-request-id|date)$/i) };
    };
    const computed = await fields();
    const stored = await fields();
    expect(stored).toEqual(computed);
    expect(computed.fields).toContain('Content-Security-Policy');
    const gz = await fields({ 'accept-encoding': 'gzip' });
    expect(gz.fields).toEqual(expect.arrayContaining(['Content-Encoding', 'gzip']));
    const etag = computed.fields[computed.fields.indexOf('ETag') + 1] as string;
    const notModified = await fields({ 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.fields).toEqual(perRequest(computed.fields, /^content-(type|length)$/i));
  });

  it('status reflects a change at once; its counters may be up to 1 s old', async () => {
    const before = json(await get(a.url, '/api/cache/status'));
    expect((await post(a.url, '/api/cache/incremental-update', update(40))).status).toBe(200);
    const after = json(await get(a.url, '/api/cache/status'));
    expect(after.lastChangeId).toBe(before.lastChangeId + 1);
    expect(after.entityCount).toBe(before.entityCount + 1);
  });
});

describe('hot reads with READ_TOKEN: access before any cached answer or 304', () => {
  const schema = uniqueSchema('hot_reads_auth');
  const READ_TOKEN = 'hot-reads-read-token';
  const auth = { authorization: `Bearer ${READ_TOKEN}` };
  const OK = 'https://ok.example';
  let pod: App;
  beforeAll(async () => {
    pod = await startPod({ schema, POD_ID: 'hot-auth', READ_TOKEN, CORS_ORIGINS: OK });
  });
  afterAll(async () => {
    await pod?.close();
    await dropSchema(schema);
  });

  it('401 without a token even with the current ETag; private, varying answers with one', async () => {
    for (const path of [LIST, '/api/cache/status', '/api/cache/recent-changes?limit=5']) {
      const ok = await get(pod.url, path, auth);
      expect(ok.status).toBe(200);
      expect(ok.headers['cache-control']).toBe('private, no-cache');
      expect(ok.headers.vary).toContain('Authorization, Cookie');
      const etag = ok.headers.etag as string;
      expect((await get(pod.url, path, { ...auth, 'if-none-match': etag })).status).toBe(304);
      const anonymous = await get(pod.url, path, { 'if-none-match': etag });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.etag).toBeUndefined();
      expect((await get(pod.url, path, { authorization: 'Bearer wrong', 'if-none-match': etag })).status).toBe(401);
    }
  });

  it('with CORS origins configured, stored answers vary on Origin and allow exactly those origins', async () => {
    for (let i = 0; i < 2; i++) {
      const plain = await get(pod.url, LIST, auth);
      expect(plain.headers.vary).toBe('Origin, trpc-accept, accept, Accept-Encoding, Authorization, Cookie');
      expect(plain.headers['access-control-allow-origin']).toBeUndefined();
      const allowed = await get(pod.url, LIST, { ...auth, origin: OK });
      expect(allowed.headers['access-control-allow-origin']).toBe(OK);
      expect(allowed.headers['access-control-allow-credentials']).toBe('true');
      const other = await get(pod.url, LIST, { ...auth, origin: 'https://evil.example' });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      expect(other.body.equals(plain.body)).toBe(true);
    }
  });
});
