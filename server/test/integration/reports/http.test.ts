import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, getJson, post, startPod, UPDATE, uniqueSchema } from '../../support/app.js';

/** `2026-12` for the month containing `ms`, in UTC (the pod's default report zone). */
const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

describe('reports over REST', () => {
  const schema = uniqueSchema('reports_http');
  let app: App;
  const now = Date.now();
  const month = monthOf(now);
  const next = monthOf(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() + 1, 1));
  const q = (extra = '') => `tenantName=${encodeURIComponent(UPDATE.tenantName)}&period=${month}${extra}`;

  beforeAll(async () => {
    app = await startPod({ schema });
    const r = await post(app.url, '/api/cache/incremental-update', {
      ...UPDATE,
      entityName: '=HYPERLINK("http://x")',
      observedAt: new Date(now - 60_000).toISOString(),
    });
    expect(r.status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  it('GET /api/reports answers the current month as provisional', async () => {
    const r = await getJson(app.url, `/api/reports?${q()}`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      tenantName: UPDATE.tenantName,
      period: month,
      state: 'provisional',
      revision: null,
    });
    expect((r.json.rows as { entityName: string }[]).map((x) => x.entityName)).toEqual(['=HYPERLINK("http://x")']);
    const revisions = await getJson(app.url, `/api/reports/revisions?${q()}`);
    expect(revisions).toEqual({ status: 200, json: [] });
  });

  it('GET /api/reports/csv downloads the same report as CSV, formulas neutralised', async () => {
    const res = await fetch(`${app.url}/api/reports/csv?${q()}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="sla-Data_Engineering-${month}.csv"; filename*=UTF-8''sla-Data%20Engineering-${month}.csv`,
    );
    expect(res.headers.get('x-report-state')).toBe('provisional');
    const records = parse(await res.text(), { bom: true, columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.kind, r.entity_name])).toEqual([
      ['entity', `'=HYPERLINK("http://x")`],
      ['total', ''],
    ]);
    const breaches = await fetch(`${app.url}/api/reports/csv?${q('&part=breaches')}`);
    expect(breaches.headers.get('content-disposition')).toContain(
      `filename="sla-Data_Engineering-${month}-breaches.csv"`,
    );
    // The bytes: fetch's text() would drop the byte-order mark.
    expect(Buffer.from(await breaches.arrayBuffer()).toString('utf8')).toBe(
      '\ufefftenant,team,entity_type,entity_name,entity_id,period,state,revision,breach_start,breach_end,breach_minutes\r\n',
    );
    const bad = await getJson(app.url, `/api/reports/csv?${q('&part=all')}`);
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^part must be one of entities, breaches/);
  });

  it('refuses a future or malformed period with a 400 naming period, an unknown tenant with a 404', async () => {
    for (const path of [`/api/reports?tenantName=x&period=${next}`, `/api/reports/csv?tenantName=x&period=${next}`]) {
      const r = await getJson(app.url, path);
      expect(r.status).toBe(400);
      expect(r.json.message).toMatch(/^period /);
    }
    const bad = await getJson(app.url, '/api/reports/csv?tenantName=x&period=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/period must be a month/);
    const unknown = await getJson(app.url, `/api/reports?tenantName=Nobody&period=${month}`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toMatch(/^tenantName/);
    const revisions = await getJson(app.url, `/api/reports/revisions?tenantName=Nobody&period=${month}`);
    expect(revisions.status).toBe(404);
    expect(revisions.json.message).toMatch(/^tenantName: no tenant "Nobody"/);
    const post405 = await post(app.url, `/api/reports/csv?${q()}`, {});
    expect(post405.status).toBe(405);
  });
});
