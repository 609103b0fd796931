import { createTRPCClient, createWSClient, httpBatchLink, wsLink } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppRouter } from '../../../src/app-router.js';
import { dropSchema, PG_URL, post, spawnPod, startPod, UPDATE, uniqueSchema } from '../../support/app.js';

describe('one port serves tRPC over HTTP and WebSocket, REST and probes', () => {
  it('answers all of them on one ephemeral port, and close() leaves nothing running', async () => {
    const before = new Set(process.getActiveResourcesInfo());
    const schema = uniqueSchema('oneport');
    const app = await startPod({ schema });
    const port = new URL(app.url).port;
    const http = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${app.url}/trpc` })] });
    const wsClient = createWSClient({ url: `ws://127.0.0.1:${port}/trpc`, WebSocket: WebSocket as never });
    const ws = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
    try {
      expect((await http.cache.status.query()).isInitialized).toBe(true);
      expect((await ws.cache.status.query()).isInitialized).toBe(true);
      const got: number[] = [];
      const sub = ws.cache.onChange.subscribe({}, { onData: (e) => got.push(e.data.id) });
      await new Promise((r) => setTimeout(r, 200));
      const r = await post(app.url, '/api/cache/incremental-update', UPDATE);
      expect(r.status).toBe(200);
      for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((res) => setTimeout(res, 50));
      expect(got).toEqual([r.json.changeId]);
      sub.unsubscribe();
      for (const path of ['/api/health', '/api/health/live', '/api/health/ready', '/api/openapi.json', '/metrics'])
        expect((await fetch(`${app.url}${path}`)).status, path).toBe(200);
    } finally {
      await wsClient.close();
      await app.close();
      await dropSchema(schema);
    }
    await new Promise((r) => setTimeout(r, 200));
    const leaked = process.getActiveResourcesInfo().filter((h) => !before.has(h) && h !== 'TTYWrap' && h !== 'Timeout');
    expect(leaked).toEqual([]);
  });

  it('exits 0 within the deadline on SIGTERM, draining first', async () => {
    const schema = uniqueSchema('sigterm');
    const pod = await spawnPod({ DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, SHUTDOWN_TIMEOUT_MS: '5000' });
    try {
      const started = Date.now();
      pod.kill('SIGTERM');
      const code = await pod.exited;
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(pod.output()).toContain('shutting down');
    } finally {
      pod.kill('SIGKILL');
      await dropSchema(schema);
    }
  });
});
