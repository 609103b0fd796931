import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, createWSClient, httpBatchLink, wsLink } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppRouter } from '../../../src/app-router.js';
import {
  dropSchema,
  PG_URL,
  type PodProcess,
  post,
  spawnPod,
  startPod,
  UPDATE,
  uniqueSchema,
} from '../../support/app.js';

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
      for (const path of ['/api/health', '/api/health/live', '/api/health/ready', '/api/openapi.json', '/metrics']) {
        const res = await fetch(`${app.url}${path}`);
        // Read to the end: an unread body larger than the client's buffer keeps its socket paused, open after the pod closed.
        await res.arrayBuffer();
        expect(res.status, path).toBe(200);
      }
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

describe('a SIGTERM while the pod is still starting', () => {
  it('is kept until start-up ends, then the pod drains and exits 0 instead of dying by the signal', async () => {
    // Embedded mode: the pod listens (live) while its database still opens and migrates, so
    // the signal reliably lands before start-up ends; before, it killed the process (exit by signal).
    const dataDir = mkdtempSync(join(tmpdir(), 'sla-sigterm-start-'));
    const pod = await spawnPod({ DATABASE_URL: '', DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: '20000' }, 60_000, {
      until: 'live',
    });
    try {
      expect((await fetch(`${pod.url}/api/health/ready`)).status).toBe(503);
      pod.kill('SIGTERM');
      const code = await pod.exited;
      expect(code, pod.output()).toBe(0);
      expect(pod.output()).toMatch(/"starting":true[^\n]*"msg":"shutting down"/);
    } finally {
      pod.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('draining on SIGTERM ends what would keep a pod alive', () => {
  // Long enough that exiting at the deadline is unmistakable.
  const DEADLINE_MS = 10_000;

  async function withPod(name: string, fn: (pod: PodProcess) => Promise<void>): Promise<void> {
    const schema = uniqueSchema(name);
    const pod = await spawnPod({
      DATABASE_URL: PG_URL,
      DATABASE_SCHEMA: schema,
      SHUTDOWN_TIMEOUT_MS: String(DEADLINE_MS),
    });
    try {
      await fn(pod);
    } finally {
      pod.kill('SIGKILL');
      await dropSchema(schema);
    }
  }

  /** SIGTERM, then the exit code and how long the pod took to exit (ms). */
  async function stop(pod: PodProcess): Promise<{ code: number | null; ms: number }> {
    const started = Date.now();
    pod.kill('SIGTERM');
    const code = await pod.exited;
    return { code, ms: Date.now() - started };
  }

  it('cuts an open SSE subscription (and a WebSocket one) at once, so the pod exits promptly', async () => {
    await withPod('drain_sse', async (pod) => {
      // An EventSource-style subscription to the change feed over HTTP (tRPC's httpSubscriptionLink).
      const sse = await new Promise<http.IncomingMessage>((resolve, reject) =>
        http
          .get(`${pod.url}/trpc/cache.onChange?input=${encodeURIComponent('{}')}`, {
            headers: { accept: 'text/event-stream' },
          })
          .on('response', resolve)
          .on('error', reject),
      );
      expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
      let text = '';
      sse.setEncoding('utf8').on('data', (d: string) => (text += d));
      const cut = new Promise<void>((resolve) => sse.once('close', () => resolve()));
      const wsClient = createWSClient({
        url: `${pod.url.replace('http', 'ws')}/trpc`,
        WebSocket: WebSocket as never,
        retryDelayMs: () => 60_000,
      });
      const ws = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
      const started = new Promise<void>((resolve) =>
        ws.cache.onChange.subscribe({}, { onStarted: () => resolve(), onData: () => {} }),
      );
      try {
        await started;
        for (let i = 0; i < 100 && !text.includes('event: connected'); i++) await new Promise((r) => setTimeout(r, 20));
        expect(text).toContain('event: connected');

        const { code, ms } = await stop(pod);
        await cut;
        expect(code).toBe(0);
        expect(ms).toBeLessThan(3_000);
        // Cut, not ended: a `return` event would tell the client the stream is over for good.
        expect(text).not.toContain('event: return');
      } finally {
        await wsClient.close();
      }
    });
  });

  it('closes a keep-alive connection after the response in flight at SIGTERM, so a busy client cannot hold it open', async () => {
    await withPod('drain_keepalive', async (pod) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const request = (method: string, path: string) =>
        http.request(`${pod.url}${path}`, { agent, method, headers: { 'content-type': 'application/json' } });
      const answer = (req: http.ClientRequest) =>
        new Promise<{ status: number; connection: string | undefined; reused: boolean }>((resolve, reject) =>
          req
            .on('response', (res) => {
              res.resume().on('end', () =>
                resolve({
                  status: res.statusCode ?? 0,
                  connection: res.headers.connection,
                  reused: req.reusedSocket,
                }),
              );
            })
            .on('error', reject),
        );
      try {
        // Warm the socket, so what follows is a reused keep-alive connection.
        expect((await answer(request('GET', '/api/health/live').end())).status).toBe(200);
        // A poller's upload is in flight at SIGTERM: half the body now, the rest once draining has begun.
        const body = JSON.stringify({ ...UPDATE, entityName: 'drain_in_flight' });
        const upload = request('POST', '/api/cache/incremental-update');
        const uploaded = answer(upload);
        upload.write(body.slice(0, 20));
        await new Promise((r) => setTimeout(r, 200));
        const started = Date.now();
        pod.kill('SIGTERM');
        await new Promise((r) => setTimeout(r, 500));
        upload.end(body.slice(20));
        const inFlight = await uploaded;
        expect(inFlight.reused).toBe(true);
        expect(inFlight.connection).toBe('close');

        // The client keeps asking every 200 ms; it must be sent elsewhere, not served on this socket.
        const after: { status: number; reused: boolean }[] = [];
        for (let i = 0; i < 50 && pod.child.exitCode === null; i++) {
          await new Promise((r) => setTimeout(r, 200));
          const r = await answer(request('GET', '/api/health/live').end()).catch(() => null);
          if (!r) break;
          after.push(r);
        }
        expect(after.filter((r) => r.reused)).toEqual([]);
        expect(await pod.exited).toBe(0);
        expect(Date.now() - started).toBeLessThan(3_000);
      } finally {
        agent.destroy();
      }
    });
  });
});
