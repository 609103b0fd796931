import { TRPCClientError } from '@trpc/client';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../../src/app-router.js';
import type { App } from '../../../src/bootstrap.js';
import { createCallerFactory, publicProcedure, router } from '../../../src/trpc/trpc.js';
import { dropSchema, startPod, uniqueSchema } from '../../support/app.js';
import { migratedSchema, seedEntities } from '../../support/seed.js';
import { httpClient } from './helpers.js';

/** More changes than the ring a pod primes at start-up (10,000), so filtered reads go to PostgreSQL. */
const SEEDED = 12_000;

const get = async (url: string, path: string) => {
  const res = await fetch(`${url}${path}`);
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as { message: string } };
};

/**
 * Query parameters and tRPC inputs that PostgreSQL cannot take (NUL, other control
 * characters, lone surrogates, ids beyond its integer) are 400s naming the parameter —
 * never a 500, and never SQL text in the answer (development mode shows 500 messages).
 */
describe('read inputs PostgreSQL cannot take', () => {
  const schema = uniqueSchema('read_validation');
  let app: App;
  beforeAll(async () => {
    await migratedSchema(schema);
    await seedEntities(schema, SEEDED);
    app = await startPod({ schema });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  it.each([
    ['tenantName=%00', /tenantName must not contain control characters/],
    ['teamName=team%00', /teamName must not contain control characters/],
    ['tenantName=Bulk%07', /tenantName must not contain control characters/],
    [`tenantName=${'x'.repeat(257)}`, /tenantName must be at most 256 characters/],
    ['cursor=9007199254740993', /cursor/],
    // Not read leniently as U+FFFD or as literal text (which answered 200 with no changes).
    ['tenantName=%ED%A0%80', /tenantName: not valid %-encoded UTF-8/],
    ['tenantName=%E0%A4%A', /tenantName: not valid %-encoded UTF-8/],
    ['limit=5&teamName=%FF', /teamName: not valid %-encoded UTF-8/],
  ])('GET /api/cache/recent-changes?%s → 400', async (qs, says) => {
    const r = await get(app.url, `/api/cache/recent-changes?${qs}`);
    expect(r.status, r.text).toBe(400);
    expect(r.json.message).toMatch(says);
    expect(r.text).not.toMatch(/SELECT|sla_change/);
  });

  it('still serves a filtered page from PostgreSQL (beyond the ring)', async () => {
    const r = await get(app.url, '/api/cache/recent-changes?tenantName=Bulk&teamName=team-3&limit=5');
    expect(r.status, r.text).toBe(200);
  });

  it.each([
    ['a lone surrogate', { tenantName: 'x\ud800' }, /tenantName must be valid Unicode/],
    ['a NUL', { teamName: 'a\u0000' }, /teamName must not contain control characters/],
    ['a control character in the search text', { q: 'abc\u001f' }, /q must not contain control characters/],
    ['a NUL in entityType', { entityType: '\u0000' }, /entityType must not contain control characters/],
  ])('entities.list with %s → 400', async (_, input, says) => {
    const err = await httpClient(app.url)
      .entities.list.query(input)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    expect((err as TRPCClientError<AppRouter>).data?.httpStatus).toBe(400);
    expect((err as Error).message).toMatch(says);
  });

  it('entities.history with an id beyond PostgreSQL integer → 400', async () => {
    const err = await httpClient(app.url)
      .entities.history.query({ id: 2 ** 31 })
      .catch((e: unknown) => e);
    expect((err as TRPCClientError<AppRouter>).data?.httpStatus).toBe(400);
    expect((err as Error).message).toMatch(/id is not an entity id/);
  });

  it('maps a PostgreSQL data exception from any procedure to a 400 without SQL text (last line of defence)', async () => {
    const sql = app.deps.db.sql;
    const probe = router({
      year0: publicProcedure.query(() => sql('SELECT ?::timestamptz AS t', ['0000-01-01T00:00:00Z'])),
      nul: publicProcedure.query(() => sql('SELECT ?::text AS t', ['a\u0000b'])),
      broken: publicProcedure.query(() => sql('SELECT no_such_column FROM sla_change')),
    });
    const caller = createCallerFactory(probe)({
      guards: {
        read: () => undefined,
        ingest: () => ({ label: 'test', tenants: null }),
        admin: () => ({ label: 'test', tenants: null, role: 'admin' }),
      },
      authorization: undefined,
      cookie: undefined,
      idempotencyKey: undefined,
      setHeader: () => undefined,
    });
    for (const call of [() => caller.year0(), () => caller.nul()]) {
      const err = (await call().catch((e: unknown) => e)) as TRPCError;
      expect(err).toBeInstanceOf(TRPCError);
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.message).toMatch(/PostgreSQL cannot store a value of this request \(SQLSTATE 22\w{3}/);
      expect(err.message).not.toMatch(/SELECT/);
    }
    // Anything else stays a 500: a server fault is not blamed on the client.
    const other = (await caller.broken().catch((e: unknown) => e)) as TRPCError;
    expect(other.code).toBe('INTERNAL_SERVER_ERROR');
  });
});
