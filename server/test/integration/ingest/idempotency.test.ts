import type { IngestBatchResult, IngestResult } from '@sla/shared';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../../src/app-router.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, eventually, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';
import { httpClient, query, rowCounts } from './helpers.js';

const ONE = '/api/cache/incremental-update';
const MANY = '/api/cache/incremental-updates';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * A poller that gets no answer (a timeout, a 503 whose outcome is unknown) retries. With an
 * Idempotency-Key the retry gets the first answer and writes nothing, with or without
 * observedAt; the same key with another body is refused.
 */
describe('Idempotency-Key', () => {
  const schema = uniqueSchema('ingest_idem');
  let app: App;
  beforeAll(async () => {
    app = await startPod({ schema, INGEST_TOKENS: 'token-a,token-b' });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  const send = (body: unknown, key: string | null, token = 'token-a', path = ONE) =>
    post(app.url, path, body, { ...bearer(token), ...(key === null ? {} : { 'idempotency-key': key }) });
  const changesOf = async (entityName: string) =>
    (
      await query<{ id: string }>(`SELECT id FROM "${schema}".sla_change WHERE entity_name = $1 ORDER BY id`, [
        entityName,
      ])
    ).map((r) => Number(r.id));

  it('answers a retry without observedAt with the first result, writing once', async () => {
    const body = { ...UPDATE, entityName: 'no_observed_at' };
    const first = await send(body, 'key-1');
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const retry = await send(body, 'key-1');
    expect(retry.status, retry.text).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json).toEqual(first.json);
    expect(await changesOf(body.entityName)).toEqual([(first.json as unknown as IngestResult).changeId]);
    // Without the key the same body is a new result (no observedAt: nothing to recognise it by).
    const fresh = await send(body, null);
    expect(fresh.json.changeId).not.toBe(first.json.changeId);
  });

  it('answers a replayed batch with every item’s first result', async () => {
    const body = { updates: ['b_0', 'b_1', 'b_2'].map((entityName) => ({ ...UPDATE, entityName })) };
    const first = await send(body, 'batch-key', 'token-a', MANY);
    expect(first.status, first.text).toBe(200);
    const before = await rowCounts(schema);
    const retry = await send(body, 'batch-key', 'token-a', MANY);
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    expect((retry.json as unknown as IngestBatchResult).applied).toBe(3);
    expect(await rowCounts(schema)).toEqual(before);
  });

  it('refuses the same key with another body, or on the other route (422), writing nothing', async () => {
    const body = { ...UPDATE, entityName: 'key_reuse', currentSla: 90 };
    expect((await send(body, 'reused')).status).toBe(200);
    const before = await rowCounts(schema);
    const other = await send({ ...body, currentSla: 91 }, 'reused');
    expect(other.status, other.text).toBe(422);
    expect(other.json.message).toMatch(/Idempotency-Key "reused" was already used for a different request/);
    const route = await send({ updates: [body] }, 'reused', 'token-a', MANY);
    expect(route.status, route.text).toBe(422);
    expect(await rowCounts(schema)).toEqual(before);
  });

  it('keeps keys apart per token', async () => {
    const a = await send({ ...UPDATE, entityName: 'per_token_a' }, 'shared-key', 'token-a');
    const b = await send({ ...UPDATE, entityName: 'per_token_b' }, 'shared-key', 'token-b');
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(await changesOf('per_token_b')).toHaveLength(1);
  });

  it('writes once when the same request arrives several times at once', async () => {
    const body = { ...UPDATE, entityName: 'concurrent' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => send(body, 'racing-key')));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    const ids = new Set(answers.map((r) => r.json.changeId));
    expect(ids.size).toBe(1);
    expect(await changesOf('concurrent')).toEqual([...ids]);
    expect(answers.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
  });

  it('is read from the header on the tRPC transport too', async () => {
    const client = httpClient(app.url, { ...bearer('token-a'), 'idempotency-key': 'trpc-key' });
    const body = { ...UPDATE, entityName: 'via_trpc' };
    const first = await client.cache.incrementalUpdate.mutate(body);
    const again = await client.cache.incrementalUpdate.mutate(body);
    expect(again).toEqual(first);
    expect(await changesOf('via_trpc')).toEqual([first.changeId]);
    const other = await client.cache.incrementalUpdate.mutate({ ...body, currentSla: 1 }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(TRPCClientError);
    expect((other as TRPCClientError<AppRouter>).data?.httpStatus).toBe(422);
  });
});

describe('Idempotency-Key expiry', () => {
  const schema = uniqueSchema('ingest_idem_ttl');
  let app: App;
  beforeAll(async () => {
    // 0.0005 h = 1.8 s: long enough for a retry, short enough to watch expire.
    app = await startPod({ schema, INGEST_IDEMPOTENCY_TTL_HOURS: '0.0005' });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  it('forgets a key after its lifetime (a new request with it writes) and deletes expired keys', async () => {
    const body = { ...UPDATE, entityName: 'expiring' };
    const first = await post(app.url, ONE, body, { 'idempotency-key': 'short-lived' });
    expect((await post(app.url, ONE, body, { 'idempotency-key': 'short-lived' })).json.changeId).toBe(
      first.json.changeId,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const later = await post(app.url, ONE, body, { 'idempotency-key': 'short-lived' });
    expect(later.status).toBe(200);
    expect(later.json.changeId).not.toBe(first.json.changeId);
    // The periodic cleanup (every 10 s at this lifetime) deletes the row once it expires again.
    await eventually(
      async () => (await query(`SELECT 1 FROM "${schema}".sla_idempotency`)).length === 0,
      15_000,
      'expired keys deleted',
    );
  });
});
