import { request } from 'node:http';
import type { AppRouter } from '@sla/server';
import { createTRPCClient } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpLinks } from '../../src/client';
import { startServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ DEMO: 'off' });
});
afterAll(async () => {
  await server?.close();
});

/** Status and headers of a GET with exactly these request headers. */
function head(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe("the dashboard's reads", () => {
  it('sends queries unbatched (one GET per query, the pod’s hot read path) and mutations batched', async () => {
    const seen: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      seen.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return realFetch(input, init);
    };
    const client = createTRPCClient<AppRouter>({ links: [httpLinks(server.url)] });
    try {
      await Promise.all([client.entities.summary.query({ worst: 1 }), client.entities.facets.query()]);
      await Promise.all([client.auth.signOut.mutate(), client.auth.signOut.mutate()]);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(seen.sort()).toEqual([
      expect.stringMatching(/^GET .*\/trpc\/entities\.facets(\?|$)/),
      expect.stringMatching(/^GET .*\/trpc\/entities\.summary\?input=/),
      expect.stringMatching(/^POST .*\/trpc\/auth\.signOut,auth\.signOut\?batch=1/),
    ]);
  });

  it('gets the built JavaScript precompressed (brotli or gzip), varying on Accept-Encoding', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeTruthy();
    for (const coding of ['br', 'gzip']) {
      const res = await head(`${server.url}${script}`, { 'accept-encoding': coding });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe(coding);
      expect(res.headers.vary).toContain('Accept-Encoding');
    }
    const plain = await head(`${server.url}${script}`, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
  });
});
