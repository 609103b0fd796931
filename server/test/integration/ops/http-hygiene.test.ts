import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawResponse, rawRequest } from '../../../../test/support/raw-http.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, startPod, UPDATE, uniqueSchema } from '../../support/app.js';

const MiB = 1024 * 1024;
const EVIL = 'https://evil.example';
const OK = 'https://ok.example';

const schema = uniqueSchema('http_hygiene');
let closed: App; // CORS_ORIGINS unset
let open: App; // CORS_ORIGINS=https://ok.example
beforeAll(async () => {
  closed = await startPod({ schema, POD_ID: 'hygiene-closed' });
  open = await startPod({ schema, POD_ID: 'hygiene-cors', CORS_ORIGINS: OK });
});
afterAll(async () => {
  await closed?.close();
  await open?.close();
  await dropSchema(schema);
});

const get = (url: string, path: string, headers: Record<string, string> = {}) =>
  rawRequest(url, path, { method: 'GET', headers });
const preflight = (url: string, path: string, origin: string) =>
  rawRequest(url, path, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,authorization',
    },
  });
/** A JSON body of at least `bytes` bytes (the padding sits in `details`, so only its size matters). */
const padded = (bytes: number, wrap = (u: object) => u) =>
  JSON.stringify(wrap({ ...UPDATE, entityName: 'hygiene_too_large', details: { pad: 'x'.repeat(bytes) } }));

function expectBaseHeaders(r: RawResponse, what: string): void {
  expect(r.headers['x-content-type-options'], what).toBe('nosniff');
  expect(r.headers['referrer-policy'], what).toBe('no-referrer');
  const framing = `${r.headers['x-frame-options'] ?? ''} ${r.headers['content-security-policy'] ?? ''}`;
  expect(framing, what).toMatch(/SAMEORIGIN|DENY|frame-ancestors/);
}

describe('security headers', () => {
  it('the dashboard (/) has a CSP that only allows its own origin, and no framing by others', async () => {
    const r = await get(closed.url, '/');
    // 503 is the plain-text notice of a checkout whose dashboard is not built; headers apply either way.
    expect([200, 503]).toContain(r.status);
    if (r.status === 200) expect(r.headers['content-type']).toMatch(/^text\/html/);
    expectBaseHeaders(r, '/');
    const csp = r.headers['content-security-policy'] ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'self'/);
    expect(csp).toMatch(/object-src 'none'/);
  });

  it.each([
    ['GET', '/api/cache/status', 200],
    ['GET', '/api/health', 200],
    ['GET', '/api/openapi.json', 200],
    ['GET', '/api/no-such-route', 404],
    ['GET', '/metrics', 200],
    ['GET', '/trpc/cache.status', 200],
    ['POST', '/api/cache/incremental-update', 400],
  ])('%s %s (%i) carries nosniff, a referrer policy and framing protection', async (method, path, status) => {
    const r = await rawRequest(closed.url, path, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
    expect(r.status).toBe(status);
    expectBaseHeaders(r, path);
  });
});

describe('CORS', () => {
  it('is closed by default: no allow-origin for a foreign origin, and preflights are not granted', async () => {
    const r = await get(closed.url, '/api/cache/status', { origin: EVIL });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
    for (const path of ['/api/cache/incremental-update', '/trpc/cache.incrementalUpdate']) {
      const p = await preflight(closed.url, path, EVIL);
      expect(p.status, path).toBeGreaterThanOrEqual(400);
      expect(p.headers['access-control-allow-origin'], path).toBeUndefined();
      expect(p.headers['access-control-allow-methods'], path).toBeUndefined();
    }
  });

  it('allows exactly the origins in CORS_ORIGINS, with credentials', async () => {
    const ok = await get(open.url, '/api/cache/status', { origin: OK });
    expect(ok.headers['access-control-allow-origin']).toBe(OK);
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    expect(ok.headers.vary).toMatch(/Origin/);
    const p = await preflight(open.url, '/api/cache/incremental-update', OK);
    expect(p.status).toBe(204);
    expect(p.headers['access-control-allow-origin']).toBe(OK);
    expect(p.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(p.headers['access-control-allow-headers']).toMatch(/authorization/i);

    const evil = await get(open.url, '/api/cache/status', { origin: EVIL });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect(
      (await preflight(open.url, '/api/cache/incremental-update', EVIL)).headers['access-control-allow-origin'],
    ).toBeUndefined();
    // A look-alike is not a match: origins compare exactly.
    const lookalike = await get(open.url, '/api/cache/status', { origin: `${OK}.evil.example` });
    expect(lookalike.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('request size limits', () => {
  const entityCount = () => closed.deps.cache.view.size;

  it.each([
    ['with Content-Length', false],
    ['chunked', true],
  ])('a single update over 1 MiB is refused with 413 (%s) and writes nothing', async (_, chunked) => {
    const before = entityCount();
    const r = await rawRequest(closed.url, '/api/cache/incremental-update', { body: padded(MiB + 1), chunked });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.text)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/1 MiB/) });
    expect(entityCount()).toBe(before);
  });

  it('a batch may exceed 1 MiB, but not 8 MiB', async () => {
    const updates = Array.from({ length: 1000 }, (_, i) => ({
      ...UPDATE,
      entityName: `hygiene_batch_${i}`,
      details: { note: 'y'.repeat(2_000) },
    }));
    const big = JSON.stringify({ updates });
    expect(big.length).toBeGreaterThan(2 * MiB);
    expect((await rawRequest(closed.url, '/api/cache/incremental-updates', { body: big })).status).toBe(200);

    const huge = padded(8 * MiB + 1, (u) => ({ updates: [u] }));
    for (const chunked of [false, true]) {
      const r = await rawRequest(closed.url, '/api/cache/incremental-updates', { body: huge, chunked });
      expect(r.status, chunked ? 'chunked' : 'content-length').toBe(413);
    }
  });

  it('a tRPC HTTP body over 8 MiB is refused with 413', async () => {
    const huge = padded(8 * MiB + 1, (u) => ({ updates: [u] }));
    for (const chunked of [false, true]) {
      const r = await rawRequest(closed.url, '/trpc/cache.incrementalUpdates', { body: huge, chunked });
      expect(r.status, chunked ? 'chunked' : 'content-length').toBe(413);
    }
    // The server is still fine afterwards.
    expect((await get(closed.url, '/api/health/live')).status).toBe(200);
  });
});

describe('X-Request-Id', () => {
  it('echoes the caller’s id, capped at 64 characters', async () => {
    expect(
      (await get(closed.url, '/api/health/live', { 'x-request-id': 'poller-7-abc' })).headers['x-request-id'],
    ).toBe('poller-7-abc');
    const long = 'r'.repeat(100);
    expect((await get(closed.url, '/api/health/live', { 'x-request-id': long })).headers['x-request-id']).toBe(
      long.slice(0, 64),
    );
  });

  it('generates a fresh one when the caller sends none, on success and on error', async () => {
    const ids = [];
    for (const path of ['/api/health/live', '/api/health/live', '/api/no-such-route']) {
      const id = (await get(closed.url, path)).headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      ids.push(id);
    }
    expect(new Set(ids).size).toBe(3);
  });
});
