import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, eventually, getJson, startPod, uniqueSchema } from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';
import { budget, EXPECTED, READS, scenario, seed } from './helpers.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const close = (n: number, digits = 6) => expect.closeTo(n, digits);

/** sla_budget_loads_total{source} of a pod, read from /metrics. */
async function loads(url: string, source: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^sla_budget_loads_total\\{source="${source}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

describe('budgets over REST', () => {
  const schema = uniqueSchema('budget_rest');
  const prefix = uniquePrefix('budget');
  const { at, updates, H } = scenario();
  const env = { schema, REDIS_URL, REDIS_KEY_PREFIX: prefix };
  let a: App;
  let b: App;

  beforeAll(async () => {
    a = await startPod({ ...env, POD_ID: 'budget-a' });
    await seed(a.url, updates);
    b = await startPod({ ...env, POD_ID: 'budget-b' });
    // Both pods have applied every change (b loaded after the seed, a followed it).
    await eventually(async () => a.deps.budgets.book.watermark === updates.length, 10_000, 'pod a caught up');
    await eventually(async () => b.deps.budgets.book.watermark === updates.length, 10_000, 'pod b caught up');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropSchema(schema);
  });

  it('answers an entity budget equal to the hand-computed one', async () => {
    const list = await getJson(a.url, '/api/budgets/overview');
    expect(list.status).toBe(200);
    const id = a.deps.cache.view.tenants
      .get('T')
      ?.teams.get('A')
      ?.slots.map((s) => a.deps.cache.view.entity(s));
    const e1 = id?.find((e) => e.entityName === 'e1')?.id as number;
    const got = await budget(a.url, `/api/budgets/entity?id=${e1}&at=${at}`);
    const w = EXPECTED.e1;
    expect(got).toMatchObject({
      entityId: e1,
      tenantName: 'T',
      teamName: 'A',
      entityName: 'e1',
      inMaintenance: false,
      windowDays: 30,
      noDataPolicy: 'exclude',
      timeZone: 'UTC',
      exhaustsAt: null,
      rolling: {
        target: 99,
        countedMs: w.countedMs,
        breachMs: w.breachMs,
        allowedMs: close(w.allowedMs),
        remainingMs: close(w.allowedMs - w.breachMs),
        compliance: close(w.compliance),
        meanReportedSla: close(w.meanReportedSla),
        to: at,
      },
      // The month of `at` began at or before H: the calendar window holds the same history.
      calendar: { countedMs: w.countedMs, breachMs: w.breachMs },
    });
    const rates = (got.burnRates as { windowMinutes: number; burnRate: number }[]).map((r) => r.burnRate);
    expect(rates.map((r) => Math.round(r * 1e6) / 1e6)).toEqual(w.burnRates.map((r) => Math.round(r * 1e6) / 1e6));
  });

  it('rolls a team and a tenant up time-weighted, and lists every tenant in the overview', async () => {
    const team = await budget(a.url, `/api/budgets/team?tenantName=T&teamName=A&at=${at}`);
    const w = EXPECTED.teamA;
    expect(team).toMatchObject({
      entities: 2,
      rolling: {
        countedMs: w.countedMs,
        breachMs: w.breachMs,
        noDataMs: EXPECTED.e2.noDataMs,
        allowedMs: close(w.allowedMs),
        compliance: close(w.compliance),
        // Two targets: the counted-time-weighted one.
        target: close((99 * 180 + 95 * 120) / 300),
      },
    });
    const tenant = await budget(a.url, `/api/budgets/tenant?tenantName=T&at=${at}`);
    expect(tenant).toMatchObject({ tenantName: 'T', entities: 2, rolling: { countedMs: w.countedMs } });
    expect((tenant.teams as unknown[]).length).toBe(1);
    const overview = await budget(a.url, `/api/budgets/overview?at=${at}`);
    expect((overview.tenants as { tenantName: string }[]).map((t) => t.tenantName)).toEqual(['T', 'U']);
  });

  it('answers a daily series in the tenant zone and a month burn-down', async () => {
    const s = await budget(a.url, `/api/budgets/series?tenantName=T&days=2&at=${at}`);
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    expect(s).toEqual({
      timeZone: 'UTC',
      days: [
        { date: day(H - 86_400_000), compliance: null, countedMs: 0, breachMs: 0 },
        {
          date: day(H),
          compliance: close(80),
          countedMs: EXPECTED.teamA.countedMs,
          breachMs: EXPECTED.teamA.breachMs,
        },
      ],
    });
    const e1 = a.deps.cache.view.tenants
      .get('T')
      ?.teams.get('A')
      ?.slots.map((x) => a.deps.cache.view.entity(x));
    const id = e1?.find((e) => e.entityName === 'e1')?.id as number;
    const trpc = await getJson(
      a.url,
      `/trpc/budgets.burndown?input=${encodeURIComponent(JSON.stringify({ entityId: id, at }))}`,
    );
    expect(trpc.status).toBe(200);
    const data = (trpc.json as { result: { data: { allowedMs: number; points: { remainingMs: number }[] } } }).result
      .data;
    const last = data.points.at(-1)?.remainingMs as number;
    expect(data.allowedMs - last).toBeCloseTo(EXPECTED.e1.breachMs, 3);
  });

  it('refuses bad input with a 400 naming the field, and unknown ids with 404', async () => {
    const bad = [
      ['/api/budgets/entity?id=abc', 'id'],
      ['/api/budgets/series?days=3', 'entityId'],
      ['/api/budgets/series?tenantName=T&entityId=1', 'entityId'],
      ['/api/budgets/series?tenantName=T&days=91', 'days'],
      ['/api/budgets/tenant?tenantName=T&at=2999-01-01T00:00:00Z', 'at'],
    ];
    for (const [path, field] of bad) {
      const res = await getJson(a.url, path as string);
      expect(res.status, path).toBe(400);
      expect(JSON.stringify(res.json), path).toContain(field);
    }
    expect((await getJson(a.url, '/api/budgets/entity?id=999999')).status).toBe(404);
    expect((await getJson(a.url, '/api/budgets/tenant?tenantName=nobody')).status).toBe(404);
    expect((await getJson(a.url, '/api/budgets/team?tenantName=T&teamName=nobody')).status).toBe(404);
  });

  it('gives the same budgets on two pods', async () => {
    for (const path of READS(at)) expect(await budget(b.url, path), path).toEqual(await budget(a.url, path));
  });

  it('reloads the same budgets after a restart from the Redis checkpoint, without scanning PostgreSQL', async () => {
    expect(await a.deps.budgets.writeCheckpoint()).toBe(true);
    const before = await Promise.all(READS(at).map((p) => budget(a.url, p)));
    await b.close();
    const c = await startPod({ ...env, POD_ID: 'budget-c' });
    try {
      await eventually(() => c.deps.budgets.loaded, 10_000, 'budgets loaded');
      expect(c.deps.budgets.source).toBe('checkpoint');
      expect(await loads(c.url, 'checkpoint')).toBe(1);
      expect(await loads(c.url, 'postgres')).toBe(0);
      expect(await Promise.all(READS(at).map((p) => budget(c.url, p)))).toEqual(before);
    } finally {
      await c.close();
    }
  });
});
