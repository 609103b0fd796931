import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../../../../test/support/raw-http.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';

const schema = uniqueSchema('rest_contract');
let pod: App;
let getRoutes: string[];
/** GET routes whose path takes no other method (`/api/windows` also takes POST). */
let readOnlyRoutes: string[];
beforeAll(async () => {
  pod = await startPod({ schema, POD_ID: 'rest-contract' });
  expect((await post(pod.url, '/api/cache/incremental-update', UPDATE)).status).toBe(200);
  const doc = (await (await fetch(`${pod.url}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  getRoutes = Object.entries(doc.paths)
    .filter(([, ops]) => 'get' in ops)
    .map(([path]) => `/api${path}`);
  readOnlyRoutes = Object.entries(doc.paths)
    .filter(([, ops]) => Object.keys(ops).every((m) => m === 'get' || m === 'parameters'))
    .map(([path]) => `/api${path}`);
});
afterAll(async () => {
  await pod?.close();
  await dropSchema(schema);
});

/** Every path a client may GET: the documented API, the documents, metrics and the dashboard. */
const readPaths = () => [
  ...getRoutes,
  '/api/openapi.json',
  '/api/docs',
  '/api/docs/init.js',
  '/metrics',
  '/',
  '/changes',
];

describe('the REST contract as openapi.json states it', () => {
  it('documents the GET routes this test walks', () => {
    expect(getRoutes).toEqual(
      expect.arrayContaining(['/api/cache/status', '/api/cache/recent-changes', '/api/health', '/api/health/ready']),
    );
  });

  it('answers every GET route without a query string: each parameter is optional', async () => {
    for (const path of getRoutes) {
      const r = await rawRequest(pod.url, path, { method: 'GET' });
      expect(r.status, `${path}: ${r.text}`).toBe(200);
    }
    const recent = await rawRequest(pod.url, '/api/cache/recent-changes', { method: 'GET' });
    expect(JSON.parse(recent.text).changes).toHaveLength(1);
  });

  it('answers HEAD like GET, without a body, on every path a client may GET', async () => {
    for (const path of readPaths()) {
      const get = await rawRequest(pod.url, path, { method: 'GET' });
      const head = await rawRequest(pod.url, path, { method: 'HEAD' });
      // 503 only for `/` in a checkout whose dashboard is not built; HEAD must agree either way.
      expect([200, 503], path).toContain(get.status);
      expect(head.status, path).toBe(get.status);
      expect(head.headers['content-type'], path).toBe(get.headers['content-type']);
      expect(head.text, path).toBe('');
    }
  });

  it('refuses other methods on read-only paths with 405 and Allow: GET, HEAD', async () => {
    for (const path of readPaths().filter((p) => !getRoutes.includes(p) || readOnlyRoutes.includes(p))) {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const r = await rawRequest(pod.url, path, { method, body: '{}' });
        expect(r.status, `${method} ${path}`).toBe(405);
        expect(r.headers.allow, `${method} ${path}`).toBe('GET, HEAD');
        expect(JSON.parse(r.text)).toMatchObject({ code: 'METHOD_NOT_SUPPORTED' });
      }
    }
  });

  it('names the allowed method of a POST-only route it refuses', async () => {
    const r = await rawRequest(pod.url, '/api/cache/incremental-update', { method: 'GET' });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
  });

  it('refuses a query parameter given twice, naming it, instead of picking one', async () => {
    const r = await rawRequest(pod.url, '/api/cache/recent-changes?limit=1&limit=500', { method: 'GET' });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).message).toMatch(/^limit: /);
  });
});
