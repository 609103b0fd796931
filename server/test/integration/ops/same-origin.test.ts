import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rawRequest } from '../../../../test/support/raw-http.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, startPod, UPDATE, uniqueSchema } from '../../support/app.js';

const READ_TOKEN = 'same-origin-read-token';
const EVIL = 'https://evil.example';
const PARTNER = 'https://partner.example';
const schema = uniqueSchema('same_origin');
let pod: App; // READ_TOKEN set: the dashboard signs in with a session cookie
let cookie: string;
let mutations: string[];
beforeAll(async () => {
  pod = await startPod({ schema, POD_ID: 'same-origin', READ_TOKEN, CORS_ORIGINS: PARTNER });
  const signIn = await rawRequest(pod.url, '/trpc/auth.signIn', {
    body: JSON.stringify({ token: READ_TOKEN }),
    headers: { origin: pod.url },
  });
  expect(signIn.status, signIn.text).toBe(200);
  cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
  mutations = Object.entries(pod.deps.router._def.procedures)
    .filter(([, p]) => (p as unknown as { _def: { type: string } })._def.type === 'mutation')
    .map(([name]) => name);
});
afterAll(async () => {
  await pod?.close();
  await dropSchema(schema);
});

/** What an HTML form on another site sends with `enctype="multipart/form-data"`: no preflight, cookie attached. */
function crossSiteForm(path: string, withOrigin: boolean) {
  const boundary = '----formboundary7MA4YWxk';
  return rawRequest(pod.url, path, {
    body: `--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--${boundary}--\r\n`,
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      cookie,
      'sec-fetch-site': 'cross-site',
      ...(withOrigin ? { origin: EVIL } : {}),
    },
  });
}
const json = (path: string, headers: Record<string, string>, body: unknown = {}) =>
  rawRequest(pod.url, path, { body: JSON.stringify(body), headers: { cookie, ...headers } });

describe('cookie-authenticated mutations need a same-origin JSON request', () => {
  it('covers every mutation of the router', () => {
    expect(mutations).toEqual(expect.arrayContaining(['auth.signOut', 'auth.signIn', 'cache.incrementalUpdate']));
  });

  it('auth.signOut from a cross-site multipart form is refused and clears no cookie', async () => {
    for (const withOrigin of [true, false]) {
      const r = await crossSiteForm('/trpc/auth.signOut', withOrigin);
      expect(r.status, r.text).toBe(415);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    // The session still works.
    const session = await rawRequest(pod.url, '/trpc/auth.session', { method: 'GET', headers: { cookie } });
    expect(JSON.parse(session.text).result.data).toEqual({ required: true, signedIn: true, admin: null });
  });

  it.each([
    ['a multipart form', { 'content-type': 'multipart/form-data; boundary=x' }, 415],
    ['a text/plain form', { 'content-type': 'text/plain' }, 415],
    ['a urlencoded form', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ['JSON from another origin', { origin: EVIL }, 403],
    ['JSON from another origin whose name contains ours', { origin: `${EVIL}?http://127.0.0.1` }, 403],
    ['JSON marked cross-site by fetch metadata', { 'sec-fetch-site': 'cross-site' }, 403],
    ['JSON from a sibling origin (same site)', { 'sec-fetch-site': 'same-site' }, 403],
  ])('every mutation refuses %s', async (_, headers, status) => {
    for (const name of mutations) {
      const r = await json(`/trpc/${name}`, { 'content-type': 'application/json', ...headers });
      expect(r.status, `${name}: ${r.text}`).toBe(status);
      expect(r.headers['set-cookie'], name).toBeUndefined();
    }
  });

  it('accepts the dashboard’s own requests, a listed CORS origin, and tools that send no Origin', async () => {
    const cases: Record<string, string>[] = [
      { origin: pod.url, 'sec-fetch-site': 'same-origin' },
      { origin: PARTNER, 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'none' },
      {},
    ];
    for (const headers of cases) {
      const r = await json('/trpc/auth.signOut', { 'content-type': 'application/json', ...headers });
      expect(r.status, JSON.stringify(headers)).toBe(200);
    }
  });

  it.each(['/api/cache/incremental-update', '/api/cache/incremental-updates', '/api/cache/refresh'])(
    'the REST route %s refuses a browser request from another origin and writes nothing',
    async (path) => {
      const before = pod.deps.cache.view.size;
      const body = path.endsWith('updates') ? { updates: [UPDATE] } : UPDATE;
      const cases: Record<string, string>[] = [{ origin: EVIL }, { 'sec-fetch-site': 'cross-site' }];
      for (const headers of cases) {
        const r = await json(path, { 'content-type': 'application/json', ...headers }, body);
        expect(r.status, r.text).toBe(403);
        expect(JSON.parse(r.text)).toMatchObject({ code: 'FORBIDDEN' });
      }
      expect(pod.deps.cache.view.size).toBe(before);
    },
  );
});

describe('WebSocket upgrades carry the session cookie too', () => {
  const connect = (headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`${pod.url.replace('http', 'ws')}/trpc`, { headers: { cookie, ...headers } });
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(0));
    });

  it('are refused from another origin, accepted from this one and a listed one', async () => {
    expect(await connect({ origin: EVIL })).toBe(403);
    expect(await connect({ origin: pod.url })).toBe(101);
    expect(await connect({ origin: PARTNER })).toBe(101);
    expect(await connect({})).toBe(101);
  });
});
