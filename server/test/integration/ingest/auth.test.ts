import { createHash } from 'node:crypto';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { loadConfig } from '../../../src/platform/config.js';
import { dropSchema, getJson, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';
import { httpClient, rowCounts } from './helpers.js';

const ONE = '/api/cache/incremental-update';
const MANY = '/api/cache/incremental-updates';
const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('ingest tokens', () => {
  const schema = uniqueSchema('ingest_auth');
  let app: App;
  beforeAll(async () => {
    app = await startPod({
      schema,
      INGEST_TOKENS: `plain-token,sha256:${hex('hashed-token')},scoped-token@Data Engineering`,
    });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  it('rejects a request without a token or with an unknown one (401), writing nothing', async () => {
    const before = await rowCounts(schema);
    const none = await post(app.url, ONE, UPDATE);
    expect(none.status).toBe(401);
    expect(none.json.message).toMatch(/Missing bearer token/);
    for (const token of ['nope', `sha256:${hex('hashed-token')}`, 'plain-token-but-longer', 'PLAIN-TOKEN']) {
      const r = await post(app.url, ONE, UPDATE, bearer(token));
      expect(r.status, token).toBe(401);
      expect(r.json.message).toMatch(/Unknown ingest token/);
    }
    const notBearer = await post(app.url, ONE, UPDATE, { authorization: 'Basic cGxhaW4tdG9rZW4=' });
    expect(notBearer.status).toBe(401);
    expect(await rowCounts(schema)).toEqual(before);
  });

  it('accepts a plain token and a token configured by its SHA-256', async () => {
    const plain = await post(app.url, ONE, { ...UPDATE, entityName: 'by_plain' }, bearer('plain-token'));
    expect(plain.status, plain.text).toBe(200);
    const hashed = await post(app.url, ONE, { ...UPDATE, entityName: 'by_hashed' }, bearer('hashed-token'));
    expect(hashed.status, hashed.text).toBe(200);
    expect(hashed.json.outcome).toBe('applied');
  });

  it('lets a scoped token write its own tenant only (403 otherwise, nothing written)', async () => {
    const own = await post(app.url, ONE, { ...UPDATE, entityName: 'scoped_own' }, bearer('scoped-token'));
    expect(own.status, own.text).toBe(200);
    const before = await rowCounts(schema);
    const foreign = await post(app.url, ONE, { ...UPDATE, tenantName: 'Finance' }, bearer('scoped-token'));
    expect(foreign.status).toBe(403);
    expect(foreign.json.message).toMatch(/may not write to tenant "Finance"/);
    const mixed = await post(
      app.url,
      MANY,
      {
        updates: [
          { ...UPDATE, entityName: 'mixed_1' },
          { ...UPDATE, entityName: 'mixed_2', tenantName: 'Finance' },
        ],
      },
      bearer('scoped-token'),
    );
    expect(mixed.status).toBe(403);
    expect(mixed.json.message).toMatch(/Finance/);
    expect(await rowCounts(schema)).toEqual(before);
  });

  it('refuses to start in production without INGEST_TOKENS, naming the variable', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) };
    expect(() => loadConfig(production)).toThrow(/INGEST_TOKENS/);
    expect(() => loadConfig({ ...production, INGEST_TOKENS: 'a-token' })).not.toThrow();
  });
});

describe('read token and dashboard sessions', () => {
  const schema = uniqueSchema('read_auth');
  const READ_TOKEN = 'read-secret-token';
  let app: App;
  beforeAll(async () => {
    app = await startPod({ schema, READ_TOKEN, SESSION_SECRET: 's'.repeat(32) });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  it('requires the read token on REST reads', async () => {
    expect((await getJson(app.url, '/api/cache/status')).status).toBe(401);
    expect((await getJson(app.url, '/api/cache/status', bearer('wrong'))).status).toBe(401);
    const ok = await getJson(app.url, '/api/cache/status', bearer(READ_TOKEN));
    expect(ok.status).toBe(200);
    expect(ok.json.isInitialized).toBe(true);
  });

  it('exchanges the token for an HttpOnly SameSite cookie that authorises tRPC reads', async () => {
    await expect(httpClient(app.url).entities.summary.query({ worst: 1 })).rejects.toSatisfy(
      (e) => e instanceof TRPCClientError && e.data?.httpStatus === 401,
    );
    const wrong = await post(app.url, '/trpc/auth.signIn', { token: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const signIn = await post(app.url, '/trpc/auth.signIn', { token: READ_TOKEN });
    expect(signIn.status, signIn.text).toBe(200);
    const setCookie = signIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^sla_session=[^;]+/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=(Strict|Lax)/i);
    const cookie = setCookie.split(';')[0] as string;

    const summary = await httpClient(app.url, { cookie }).entities.summary.query({ worst: 1 });
    expect(summary.overall.total).toBe(0);
    const forged = httpClient(app.url, { cookie: `${cookie.slice(0, -2)}xx` }).entities.summary.query({ worst: 1 });
    await expect(forged).rejects.toSatisfy((e) => e instanceof TRPCClientError && e.data?.httpStatus === 401);
  });
});

describe('ingest rate limit', () => {
  const schema = uniqueSchema('rate_limit');
  let app: App;
  beforeAll(async () => {
    app = await startPod({ schema, INGEST_RATE_LIMIT: '5', INGEST_TOKENS: 'warm-token,burst-token' });
    // Warm the code paths with another token: the limit is per token, so this leaves burst-token's bucket full.
    for (let i = 0; i < 3; i++) await post(app.url, ONE, { ...UPDATE, entityName: `warm_${i}` }, bearer('warm-token'));
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  it('answers 429 with Retry-After beyond 5 requests per second, then lets requests through again', async () => {
    const before = (await rowCounts(schema)).changes;
    // Open the connections first, so the burst arrives at once; a token refills every 200 ms.
    await Promise.all(Array.from({ length: 20 }, () => fetch(`${app.url}/api/health/live`).then((r) => r.text())));
    const started = Date.now();
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(app.url, ONE, { ...UPDATE, entityName: `rl_${i}` }, bearer('burst-token')),
      ),
    );
    const refills = Math.floor((Date.now() - started) / 200);
    const ok = burst.filter((r) => r.status === 200).length;
    const limited = burst.filter((r) => r.status === 429);
    expect(ok + limited.length).toBe(20);
    expect(ok).toBeGreaterThanOrEqual(5);
    expect(ok).toBeLessThanOrEqual(5 + refills);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    for (const r of limited) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(r.json.message).toMatch(/Rate limit of 5 requests\/s per token exceeded; retry after \d+s/);
    }
    expect((await rowCounts(schema)).changes).toBe(before + ok);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await post(app.url, ONE, { ...UPDATE, entityName: 'rl_after' }, bearer('burst-token'))).status).toBe(200);
  });
});
