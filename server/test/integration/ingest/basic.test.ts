import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../../src/app-router.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, getJson, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';

describe('single-pod ingest over REST and tRPC', () => {
  const schema = uniqueSchema('ingest_basic');
  let app: App;
  beforeAll(async () => {
    app = await startPod({ schema });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  it('accepts the original body and shows it in status, recent changes and the view', async () => {
    const r = await post(app.url, '/api/cache/incremental-update', UPDATE);
    expect(r.status).toBe(200);
    expect(r.json.outcome).toBe('applied');
    expect(r.json.changeId).toBe(1);
    const recent = await getJson(app.url, '/api/cache/recent-changes?tenantName=Data%20Engineering');
    expect((recent.json.changes as { entityName: string }[])[0]?.entityName).toBe('user_activity_table');
    const status = await getJson(app.url, '/api/cache/status');
    expect(status.json).toMatchObject({ isInitialized: true, mode: 'memory', entityCount: 1, lastChangeId: 1 });
  });

  it('gives the same result over tRPC as over REST', async () => {
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${app.url}/trpc` })] });
    const body = { ...UPDATE, entityName: 'same_both_ways', observedAt: '2026-01-01T00:00:00Z' };
    const viaTrpc = await client.cache.incrementalUpdate.mutate(body);
    const viaRest = await post(app.url, '/api/cache/incremental-update', body);
    expect(viaTrpc.outcome).toBe('applied');
    expect(viaRest.json.outcome).toBe('duplicate');
    expect(viaRest.json.entity).toEqual(viaTrpc.entity);
    const restStatus = await getJson(app.url, '/api/cache/status');
    const trpcStatus = await client.cache.status.query();
    // Counters and each pod's last heartbeat move between the two requests; the shape and the rest do not.
    const steady = (s: Record<string, unknown>) => ({
      ...s,
      hits: 0,
      misses: 0,
      pods: (s.pods as Record<string, unknown>[]).map((p) => ({ ...p, lastSeenAt: typeof p.lastSeenAt })),
    });
    expect(steady(trpcStatus)).toEqual(steady(restStatus.json));
  });
});
