import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { tracked } from '@trpc/server';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { rawRequest } from '../../../../test/support/raw-http.js';
import { startTcpProxy, type TcpProxy } from '../../../../test/support/tcp-proxy.js';
import type { HttpDeps } from '../../../src/http/deps.js';
import { createHttpServer, type HttpServer } from '../../../src/http/server.js';
import { loadConfig } from '../../../src/platform/config.js';
import { createMetrics } from '../../../src/platform/metrics.js';
import { publicProcedure, readProcedure, router } from '../../../src/trpc/trpc.js';
import { dropSchema, PG_URL, post, UPDATE, uniqueSchema } from '../../support/app.js';
import { type LoggedPod, startPodWithLogs } from './pod-logs.js';

/** Text no answer may carry: SQL, driver and internal messages, stack frames. */
const LEAKS = /select|insert|relation|sla_change|sla_secret|password|terminated|ECONN|\bat \w+ \(|\.ts:\d+/i;

/** A WebSocket tRPC client speaking the wire protocol: every frame it receives, as text. */
async function wsFrames(url: string, messages: unknown[], waitMs = 500): Promise<string> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/trpc`);
  const frames: string[] = [];
  ws.on('message', (m) => frames.push(m.toString()));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  for (const m of messages) ws.send(JSON.stringify(m));
  await new Promise((r) => setTimeout(r, waitMs));
  ws.close();
  return frames.join('\n');
}

/** The text of an SSE subscription until the server ends it (or `ms` pass). */
const sseText = (url: string, path: string, ms = 1_000) =>
  new Promise<string>((resolve, reject) => {
    let text = '';
    const req = http.get(`${url}${path}`, { headers: { accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    setTimeout(() => {
      req.destroy();
      resolve(text);
    }, ms);
  });

describe('unexpected errors on every transport, in development mode', () => {
  // An internal failure whose message carries what must stay inside: SQL text and a table name.
  const SECRET = 'relation "sla_secret" does not exist: SELECT password FROM sla_secret WHERE id = 42';
  const fail = (): never => {
    throw new Error(SECRET);
  };
  const testRouter = router({
    t: router({
      read: readProcedure
        .meta({ openapi: { method: 'GET', path: '/t/read', protect: false } })
        .input(z.void())
        .output(z.object({ ok: z.boolean() }))
        .query(fail),
      write: publicProcedure
        .meta({ openapi: { method: 'POST', path: '/t/write', protect: false } })
        .input(z.object({ a: z.number() }))
        .output(z.object({ ok: z.boolean() }))
        .mutation(fail),
      // The handler's data breaks its own output schema: the issues describe the server's data.
      badOutput: readProcedure.output(z.object({ n: z.number() })).query(() => ({ n: SECRET }) as never),
      failsAtOnce: readProcedure.subscription(async function* () {
        yield* [];
        fail();
      }),
      failsLater: readProcedure.subscription(async function* () {
        yield tracked('1', { ok: true });
        fail();
      }),
    }),
  });
  let logs = '';
  let server: HttpServer;
  let url: string;
  beforeAll(async () => {
    const config = loadConfig({ NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logs += chunk.toString();
        cb();
      },
    });
    const deps: HttpDeps = {
      config,
      log: pino({ level: 'info' }, sink),
      metrics: createMetrics(),
      router: testRouter,
      guards: {
        read: () => {},
        ingest: () => ({ label: 'test', tenants: null }),
        admin: () => ({ label: 'test', tenants: null, role: 'admin' }),
      },
      health: {
        podId: 'internal-errors',
        draining: () => false,
        starting: () => false,
        pingDatabase: async () => {},
        cache: () => ({
          redisConfigured: false,
          mode: 'memory',
          initialized: true,
          waiting: false,
          entities: 0,
          lastChangeId: 0,
        }),
      },
      readVersion: () => null,
      collectMetrics: async () => {},
      reportCsv: () => '',
    };
    server = createHttpServer(deps);
    await new Promise<void>((resolve) => server.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.startDrain();
    await server?.close(1_000);
  });

  it('REST answers "Internal server error" and logs the cause', async () => {
    const read = await rawRequest(url, '/api/t/read', { method: 'GET' });
    expect(read.status).toBe(500);
    expectHidden(read.text, 'GET /api/t/read');
    const write = await rawRequest(url, '/api/t/write', { body: '{"a":1}' });
    expect(write.status).toBe(500);
    expectHidden(write.text, 'POST /api/t/write');
    expect(logs).toContain('sla_secret');
  });

  it('tRPC over HTTP: queries, mutations, failed output validation and SSE subscriptions', async () => {
    for (const [path, method, body] of [
      ['/trpc/t.read', 'GET', undefined],
      ['/trpc/t.read,t.badOutput?batch=1&input=%7B%7D', 'GET', undefined],
      ['/trpc/t.write', 'POST', '{"a":1}'],
    ] as const) {
      const r = await rawRequest(url, path, { method, ...(body ? { body } : {}) });
      expect(r.status, path).toBe(500);
      expectHidden(r.text, path);
    }
    for (const path of ['/trpc/t.failsAtOnce', '/trpc/t.failsLater']) {
      const text = await sseText(url, path);
      expect(text, path).toContain('event: serialized-error');
      expectHidden(text, path);
    }
  });

  it('tRPC over WebSocket: queries, mutations and subscriptions', async () => {
    const frames = await wsFrames(url, [
      { id: 1, method: 'query', params: { path: 't.read' } },
      { id: 2, method: 'mutation', params: { path: 't.write', input: { a: 1 } } },
      { id: 3, method: 'query', params: { path: 't.badOutput' } },
      { id: 4, method: 'subscription', params: { path: 't.failsAtOnce' } },
      { id: 5, method: 'subscription', params: { path: 't.failsLater' } },
    ]);
    for (const id of [1, 2, 3, 4, 5]) {
      const error = frames.split('\n').find((f) => f.startsWith(`{"id":${id},"error"`));
      expect(error, `id ${id}: ${frames}`).toBeDefined();
      expectHidden(error ?? '', `id ${id}`);
    }
  });
});

describe('a pod whose database fails, in development mode', () => {
  const schema = uniqueSchema('internal_errors');
  let proxy: TcpProxy;
  let pod: LoggedPod;
  let entityId: number;
  beforeAll(async () => {
    proxy = await startTcpProxy(Number(new URL(PG_URL).port || 5432));
    const viaProxy = new URL(PG_URL);
    viaProxy.port = String(proxy.port);
    pod = await startPodWithLogs({ schema, NODE_ENV: 'development', DATABASE_URL: viaProxy.toString() });
    const r = await post(pod.url, '/api/cache/incremental-update', UPDATE);
    expect(r.status).toBe(200);
    entityId = (r.json.entity as { id: number }).id;
  });
  afterAll(async () => {
    await pod?.close();
    await proxy?.close();
    await dropSchema(schema);
  });

  it('never shows SQL text: REST, tRPC over HTTP and WebSocket answer "Internal server error"', async () => {
    // The change log disappears behind the pod's back: every statement on it fails with SQL in its message.
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`ALTER TABLE "${schema}".sla_change RENAME TO sla_change_moved`);
    try {
      const ingest = await post(pod.url, '/api/cache/incremental-update', { ...UPDATE, entityName: 'internal_new' });
      expect(ingest.status).toBe(500);
      expectHidden(ingest.text, 'REST ingest');
      const input = encodeURIComponent(JSON.stringify({ id: entityId }));
      const history = await rawRequest(pod.url, `/trpc/entities.history?input=${input}`, { method: 'GET' });
      expect(history.status).toBe(500);
      expectHidden(history.text, 'tRPC entities.history');
      const frames = await wsFrames(pod.url, [
        { id: 1, method: 'query', params: { path: 'entities.history', input: { id: entityId } } },
      ]);
      expectHidden(frames, 'WebSocket entities.history');
      // The operator still sees what happened.
      expect(pod.logs()).toMatch(/sla_change/);
    } finally {
      await admin.query(`ALTER TABLE "${schema}".sla_change_moved RENAME TO sla_change`);
      await admin.end();
    }
  });

  it('/api/health says PostgreSQL is down without the driver’s message', async () => {
    proxy.pause();
    try {
      const r = await rawRequest(pod.url, '/api/health', { method: 'GET' });
      const health = JSON.parse(r.text) as { checks: { database: { status: string; detail: string } } };
      expect(health.checks.database.status).toBe('down');
      expect(r.text).not.toMatch(LEAKS);
    } finally {
      proxy.resume();
    }
  });
});

/** The answer says "Internal server error" and nothing of what went wrong inside. */
function expectHidden(text: string, what: string): void {
  expect(text, what).toContain('Internal server error');
  expect(text, what).not.toMatch(LEAKS);
}
