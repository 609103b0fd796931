import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelKey, loadAlertConfig } from '../../../src/alerts/config-store.js';
import { createDelivery, recordAttempt } from '../../../src/alerts/deliveries.js';
import { PgLease } from '../../../src/alerts/lease.js';
import { pendingRows } from '../../../src/alerts/outbox.js';
import { recordChanges } from '../../../src/alerts/store.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, uniqueSchema } from '../../support/app.js';
import {
  alertCounts,
  bearer,
  burnRule,
  request,
  silence,
  startAlertsPod,
  TOKENS,
  webhook,
  withPg,
} from './api-fixture.js';
import { change, must } from './helpers.js';

const schema = uniqueSchema('alerts_api_alerts');
let pod: App;
const hex = (c: string) => c.repeat(64);
/** A firing alert of each tenant, recorded as the evaluator records them, and one delivery of Data Engineering's. */
beforeAll(async () => {
  pod = await startAlertsPod(schema);
  const db = pod.deps.db;
  const fence = must(await new PgLease(db, { name: 'api-test', holder: 'test', ttlMs: 30_000 }).tryAcquire());
  const de = change('de', 1, 'PGM');
  Object.assign(de.change, { fingerprint: hex('a'), tenantName: 'Data Engineering' });
  const fin = change('fin', 1, 'Ledger');
  Object.assign(fin.change, { fingerprint: hex('b'), tenantName: 'Finance', entity: null });
  await recordChanges(db, fence, [de, fin], { outboxMax: 100 });
  const group = (await pendingRows(db.sql, 10)).filter((r) => r.tenantName === 'Data Engineering');
  const delivery = must(await createDelivery(db, fence, group));
  await recordAttempt(
    db,
    fence,
    delivery,
    1,
    { ok: false, status: 503, error: 'HTTP 503', retryable: true, durationMs: 12 },
    'retry',
  );
  await recordAttempt(
    db,
    fence,
    delivery,
    2,
    { ok: true, status: 200, error: null, retryable: false, durationMs: 8 },
    'delivered',
  );
});
afterAll(async () => {
  await pod?.close();
  await dropSchema(schema);
});

describe('alerts', () => {
  it('lists firing alerts, filtered by tenant and entity', async () => {
    const all = await request(pod.url, 'GET', '/api/alerts');
    expect(all.status, all.text).toBe(200);
    expect((all.json.items as { fingerprint: string }[]).map((a) => a.fingerprint).sort()).toEqual([
      hex('a'),
      hex('b'),
    ]);
    const de = await request(pod.url, 'GET', '/api/alerts?tenantName=Data%20Engineering');
    expect(de.json.items).toMatchObject([{ fingerprint: hex('a'), state: 'firing', teamName: 'PGM', entityId: 7 }]);
    expect((await request(pod.url, 'GET', '/api/alerts?entityId=7')).json.items).toHaveLength(1);
    expect((await request(pod.url, 'GET', '/api/alerts?entityId=8')).json.items).toHaveLength(0);
  });

  it("acknowledge: an admin of the alert's tenant, once; another tenant's admin is refused (403), no such alert is a 404", async () => {
    const before = await alertCounts(schema);
    const path = `/api/alerts/${hex('a')}/acknowledge`;
    const foreign = await request(pod.url, 'POST', path, {}, bearer(TOKENS.finance));
    expect(foreign.status, foreign.text).toBe(403);
    expect(foreign.json.message).toContain('"Data Engineering"');
    expect((await alertCounts(schema)).audit).toBe(before.audit);
    const missing = await request(pod.url, 'POST', `/api/alerts/${hex('e')}/acknowledge`, {}, bearer(TOKENS.finance));
    expect(missing.status, missing.text).toBe(404);
    expect(missing.json.message).toMatch(/^fingerprint: no alert/);
    expect((await request(pod.url, 'POST', path, {})).status).toBe(401);
    const acked = await request(pod.url, 'POST', path, {}, bearer(TOKENS.engineering));
    expect(acked.status, acked.text).toBe(200);
    expect(acked.json).toMatchObject({ acknowledgedBy: 'de-admin', state: 'firing' });
    await request(pod.url, 'POST', path, {}, bearer(TOKENS.root));
    expect((await alertCounts(schema)).audit).toBe(before.audit + 1);
    const bad = await request(pod.url, 'POST', '/api/alerts/not-a-fingerprint/acknowledge', {}, bearer(TOKENS.root));
    expect(bad.status, bad.text).toBe(400);
    expect(bad.json.message).toMatch(/^fingerprint\b/);
  });
});

describe('reads filtered by tenant', () => {
  it.each([
    '/api/alerts',
    '/api/alerts/rules',
    '/api/alerts/channels',
    '/api/alerts/silences',
    '/api/alerts/deliveries',
  ])('%s?tenantName=<unknown> is a 404 naming tenantName, as the windows list answers', async (path) => {
    const r = await request(pod.url, 'GET', `${path}?tenantName=Nope`);
    expect(r.status, r.text).toBe(404);
    expect(r.json.message).toBe('tenantName: no tenant "Nope"');
    const windows = await request(pod.url, 'GET', '/api/windows?tenantName=Nope');
    expect(windows.status).toBe(404);
    expect(windows.json.message).toBe(r.json.message);
    const known = await request(pod.url, 'GET', `${path}?tenantName=Finance`);
    expect(known.status, known.text).toBe(200);
  });
});

describe('delivery log', () => {
  it('lists deliveries with their attempts and status codes, filtered by tenant and channel', async () => {
    const r = await request(pod.url, 'GET', '/api/alerts/deliveries?tenantName=Data%20Engineering');
    expect(r.status, r.text).toBe(200);
    expect(r.json.items).toMatchObject([
      {
        channel: 'hook',
        tenantName: 'Data Engineering',
        attempts: 2,
        lastStatus: 200,
        attemptLog: [
          { attempt: 1, status: 503, error: 'HTTP 503' },
          { attempt: 2, status: 200, error: null },
        ],
      },
    ]);
    expect((r.json.items as { deliveredAt: string | null }[])[0]?.deliveredAt).not.toBeNull();
    expect((await request(pod.url, 'GET', '/api/alerts/deliveries?tenantName=Finance')).json.items).toEqual([]);
    expect((await request(pod.url, 'GET', '/api/alerts/deliveries?channel=other')).json.items).toEqual([]);
    expect((await request(pod.url, 'GET', '/api/alerts/deliveries?openOnly=true')).json.items).toEqual([]);
  });
});

describe('OpenAPI document', () => {
  it('lists every alerting path with its methods', async () => {
    const doc = (await request(pod.url, 'GET', '/api/openapi.json')).json as {
      paths: Record<string, Record<string, unknown>>;
    };
    const methods = (p: string) => Object.keys(doc.paths[p] ?? {}).sort();
    expect(methods('/alerts')).toEqual(['get']);
    expect(methods('/alerts/{fingerprint}/acknowledge')).toEqual(['post']);
    expect(methods('/alerts/rules')).toEqual(['get', 'post']);
    expect(methods('/alerts/rules/{id}')).toEqual(['delete', 'put']);
    expect(methods('/alerts/channels')).toEqual(['get', 'post']);
    expect(methods('/alerts/channels/{tenantName}/{name}')).toEqual(['delete', 'put']);
    expect(methods('/alerts/channels/{tenantName}/{name}/test')).toEqual(['post']);
    expect(methods('/alerts/silences')).toEqual(['get', 'post']);
    expect(methods('/alerts/silences/{id}')).toEqual(['delete']);
    expect(methods('/alerts/deliveries')).toEqual(['get']);
  });
});

describe('loadAlertConfig (what the evaluator reads)', () => {
  it('holds every rule with its defaults, channels by tenant/name with secrets sealed, silences not yet ended', async () => {
    const root = bearer(TOKENS.root);
    for (const tenantName of ['Data Engineering', 'Finance'])
      expect(
        (
          await request(
            pod.url,
            'POST',
            '/api/alerts/channels',
            webhook('pager', 'http://127.0.0.1:9/p', { tenantName }),
            root,
          )
        ).status,
      ).toBe(200);
    await request(pod.url, 'POST', '/api/alerts/rules', burnRule('burn', { channels: ['pager'] }), root);
    const active = await request(pod.url, 'POST', '/api/alerts/silences', silence({ teamName: 'PGM' }), root);
    await withPg((c) =>
      c.query(
        `INSERT INTO "${schema}".sla_alert_silence (tenant_name, starts_at, ends_at, reason, created_by, created_at)
         VALUES ('Data Engineering', now() - interval '2 hours', now() - interval '1 hour', 'over', 'test', now())`,
      ),
    );
    const config = await loadAlertConfig(pod.deps.db.sql);
    expect(config.rules).toMatchObject([
      { name: 'burn', kind: 'burn_rate', channels: ['pager'], burnRate: { tiers: [{}, {}, {}] } },
    ]);
    expect([...config.channels.keys()].sort()).toEqual([
      channelKey('Data Engineering', 'pager'),
      channelKey('Finance', 'pager'),
    ]);
    expect(config.channels.get(channelKey('Finance', 'pager'))).toMatchObject({
      tenantName: 'Finance',
      hasSecret: true,
    });
    expect(config.channels.get(channelKey('Finance', 'pager'))?.sealed).toMatch(/^v1:/);
    expect(config.silences).toEqual([
      {
        tenantName: 'Data Engineering',
        teamName: 'PGM',
        entityType: null,
        entityId: null,
        ruleName: null,
        startsAt: Date.parse(active.json.startsAt as string),
        endsAt: Date.parse(active.json.endsAt as string),
      },
    ]);
  });
});
