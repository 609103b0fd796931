import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../../src/app-router.js';
import { startEmbeddedPod } from '../../support/app.js';

describe('the embedded default with demo data', () => {
  let app: Awaited<ReturnType<typeof startEmbeddedPod>>;
  let client: ReturnType<typeof createTRPCClient<AppRouter>>;
  beforeAll(async () => {
    app = await startEmbeddedPod({ DEMO: 'auto', DEMO_POLLER_INTERVAL_MS: '200' });
    client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${app.url}/trpc` })] });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('seeds a realistic organisation, visible through the API', async () => {
    const summary = await client.entities.summary.query({ worst: 3 });
    const tenants = summary.tenants.map((t) => t.tenantName);
    expect(tenants.length).toBeGreaterThanOrEqual(3);
    const de = summary.tenants.find((t) => t.tenantName === 'Data Engineering');
    expect(de?.teams.map((t) => t.teamName)).toContain('PGM');
    expect(summary.tenants.reduce((n, t) => n + t.teams.length, 0)).toBeGreaterThanOrEqual(12);
    expect(summary.overall.total).toBeGreaterThanOrEqual(500);
    expect(summary.overall.byStatus.Failed / summary.overall.total).toBeGreaterThanOrEqual(0.05);
    expect(summary.overall.stale / summary.overall.total).toBeGreaterThanOrEqual(0.05);
    const facets = await client.entities.facets.query();
    for (const type of ['table', 'job', 'pipeline', 'dashboard', 'report']) expect(facets.entityTypes).toContain(type);
    const [first] = (
      await client.entities.list.query({
        tenantName: 'Data Engineering',
        teamName: 'PGM',
        q: 'user_activity',
        limit: 1,
      })
    ).items;
    expect(first).toBeDefined();
    const history = await client.entities.history.query({ id: first?.id ?? 0, days: 14 });
    const span = Date.now() - Date.parse(history.points[0]?.at ?? '');
    expect(span).toBeGreaterThan(13.7 * 86_400_000);
  });

  it('keeps the dashboard alive: the demo poller pushes through the REST API', async () => {
    const before = (await client.cache.status.query()).lastChangeId;
    for (let i = 0; i < 100; i++) {
      const recent = await client.cache.recentChanges.query({ limit: 5 });
      if (recent.changes.some((c) => c.id > before && c.source === 'open')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the demo poller pushed nothing');
  });
});
