import { brotliCompressSync, constants, createGzip, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RawResponse, rawRequest } from '../../../../test/support/raw-http.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, startPod, UPDATE, uniqueSchema } from '../../support/app.js';

const MiB = 1024 * 1024;
const schema = uniqueSchema('request_bodies');
let pod: App;
beforeAll(async () => {
  pod = await startPod({ schema, POD_ID: 'bodies' });
});
afterAll(async () => {
  await pod?.close();
  await dropSchema(schema);
});

const update = (name: string) => ({ ...UPDATE, entityName: name });
const SINGLE = '/api/cache/incremental-update';
const BATCH = '/api/cache/incremental-updates';
const TRPC = '/trpc/cache.incrementalUpdate';
const encoders: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => gzipSync(b),
  deflate: (b) => deflateSync(b),
  br: (b) => brotliCompressSync(b),
};
const send = (path: string, body: Buffer, encoding: string) =>
  rawRequest(pod.url, path, { body, headers: { 'content-encoding': encoding } });
/** The error message of a REST answer, a tRPC answer or a tRPC batch answer's first call. */
const message = (r: RawResponse): string => {
  type Shape = { message?: string; error?: { message?: string } };
  const parsed = JSON.parse(r.text) as Shape | Shape[];
  const json = (Array.isArray(parsed) ? parsed[0] : parsed) ?? {};
  return json.message ?? json.error?.message ?? '';
};
/** True when `s` holds what a message must never contain: control bytes, or U+FFFD (undecodable input). */
const hasBinary = (s: string): boolean =>
  [...s].some((c) => {
    const n = c.codePointAt(0) ?? 0;
    return n < 0x20 || (n >= 0x7f && n <= 0x9f) || n === 0xfffd;
  });

/** `bytes` zeros, gzip-compressed as a stream (a decompression bomb: about 1/1000 of its size). */
async function gzipBomb(bytes: number): Promise<Buffer> {
  const gz = createGzip({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => gz.on('end', r));
  const zeros = Buffer.alloc(MiB);
  for (let n = 0; n < bytes; n += MiB) if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r));
  gz.end();
  await done;
  return Buffer.concat(out);
}

describe('compressed request bodies', () => {
  it.each(Object.keys(encoders))('%s bodies are decoded on the single, batch and tRPC routes', async (encoding) => {
    const encode = encoders[encoding] as (b: Buffer) => Buffer;
    const single = await send(SINGLE, encode(Buffer.from(JSON.stringify(update(`bodies_${encoding}_1`)))), encoding);
    expect(single.status, single.text).toBe(200);
    expect(JSON.parse(single.text)).toMatchObject({ outcome: 'applied' });

    const batch = { updates: [update(`bodies_${encoding}_2`), update(`bodies_${encoding}_3`)] };
    const many = await send(BATCH, encode(Buffer.from(JSON.stringify(batch))), encoding);
    expect(many.status, many.text).toBe(200);
    expect(JSON.parse(many.text).results).toHaveLength(2);

    const trpc = await send(TRPC, encode(Buffer.from(JSON.stringify(update(`bodies_${encoding}_4`)))), encoding);
    expect(trpc.status, trpc.text).toBe(200);
    expect(JSON.parse(trpc.text)).toMatchObject({ result: { data: { outcome: 'applied' } } });
  });

  it.each([SINGLE, BATCH, TRPC])(
    'an encoding the server cannot decode gets 415 naming it, on %s, and writes nothing',
    async (path) => {
      const before = pod.deps.cache.view.size;
      for (const encoding of ['compress', 'zstd', 'gzip, br']) {
        const r = await send(path, gzipSync(JSON.stringify(update('bodies_unknown'))), encoding);
        expect(r.status, `${encoding}: ${r.text}`).toBe(415);
        expect(message(r)).toContain(`"${encoding}"`);
        expect(hasBinary(message(r)), message(r)).toBe(false);
      }
      expect(pod.deps.cache.view.size).toBe(before);
    },
  );

  it.each([
    [SINGLE, 1],
    [BATCH, 8],
    [TRPC, 8],
  ])(
    'a decompression bomb on %s gets 413 (limit %i MiB, after decoding) without inflating it in memory',
    async (path, limitMiB) => {
      const bomb = await gzipBomb(512 * MiB);
      expect(bomb.length).toBeLessThan(MiB);
      const rss = process.memoryUsage().rss;
      const r = await send(path, bomb, 'gzip');
      expect(r.status, r.text).toBe(413);
      expect(message(r)).toContain(`${limitMiB} MiB`);
      expect(r.headers.connection).toBe('close');
      // Inflating it would take 512 MiB; the reader stops a little past the limit.
      expect(process.memoryUsage().rss - rss).toBeLessThan(96 * MiB);
    },
  );

  it.each([SINGLE, TRPC])('a body that is not valid gzip gets 400 saying so, on %s', async (path) => {
    const r = await send(path, Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3, 4, 5, 6, 7]), 'gzip');
    expect(r.status, r.text).toBe(400);
    expect(message(r)).toMatch(/not valid gzip/);
    expect(hasBinary(message(r)), message(r)).toBe(false);
  });
});

describe('messages about unreadable bodies do not echo raw bytes', () => {
  // What a poller sent when it compressed the body but forgot the header.
  const binary = gzipSync(JSON.stringify(update('bodies_binary')));

  it('on a WebSocket message', async () => {
    const ws = new WebSocket(`${pod.url.replace('http', 'ws')}/trpc`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const answer = new Promise<string>((resolve) =>
      ws.on('message', (m) => {
        if (m.toString() !== 'PING') resolve(m.toString());
      }),
    );
    ws.send('\u0001\u0002\u001b[31mnot json');
    const error = (JSON.parse(await answer) as { error: { message: string } }).error;
    ws.close();
    expect(error.message).toMatch(/^Malformed JSON/);
    expect(hasBinary(error.message), error.message).toBe(false);
  });

  it.each([SINGLE, BATCH, TRPC, '/trpc/cache.incrementalUpdates?batch=1'])('on %s', async (path) => {
    const r = await rawRequest(pod.url, path, { body: binary });
    expect(r.status, r.text).toBe(400);
    expect(message(r)).toMatch(/^Malformed JSON/);
    expect(hasBinary(message(r)), message(r)).toBe(false);
  });
});
