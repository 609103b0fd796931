import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  trpc,
  webhook,
} from './api-fixture.js';

const schema = uniqueSchema('alerts_api_auth');
const READ_TOKEN = 'reader-secret-for-alerts';
let pod: App;
beforeAll(async () => {
  pod = await startAlertsPod(schema, { READ_TOKEN });
  // The channel every rule below names.
  const r = await request(
    pod.url,
    'POST',
    '/api/alerts/channels',
    webhook('hook', 'http://127.0.0.1:9/h'),
    bearer(TOKENS.root),
  );
  expect(r.status, r.text).toBe(200);
});
afterAll(async () => {
  await pod?.close();
  await dropSchema(schema);
});

/** Who calls, and what a write for tenant Data Engineering answers them. */
const MATRIX: [string, number, Record<string, string>][] = [
  ['no token', 401, {}],
  ['an unknown token', 401, bearer('nobody-knows-this')],
  ['the read token', 401, bearer(READ_TOKEN)],
  ['an ingest token', 403, bearer(TOKENS.ingest)],
  ["another tenant's admin", 403, bearer(TOKENS.finance)],
  ["the tenant's admin", 200, bearer(TOKENS.engineering)],
  ['an admin of all tenants', 200, bearer(TOKENS.root)],
];

let n = 0;
/** A fresh body for each create route (names must be unique). */
const CREATES: [string, () => Record<string, unknown>][] = [
  ['rules', () => burnRule(`rule ${++n}`, { channels: ['hook'] })],
  ['channels', () => webhook(`hook ${++n}`, 'http://127.0.0.1:9/h')],
  ['silences', () => silence()],
];

describe('alert writes need an admin of the tenant', () => {
  it.each(MATRIX)(
    'POST rules, channels, silences with %s answer %i, writing only when allowed',
    async (_, status, headers) => {
      for (const [path, body] of CREATES) {
        const before = await alertCounts(schema);
        const r = await request(pod.url, 'POST', `/api/alerts/${path}`, body(), headers);
        expect(r.status, `${path}: ${r.text}`).toBe(status);
        const after = await alertCounts(schema);
        if (status === 200) expect(after.audit).toBe(before.audit + 1);
        else {
          expect(after).toEqual(before);
          expect(r.json.code).toBe(status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
        }
      }
    },
  );

  it.each(MATRIX)('tRPC alerts.rules.create with %s answers %i', async (_, status, headers) => {
    const before = await alertCounts(schema);
    const r = await trpc(pod.url, 'alerts.rules.create', burnRule(`trpc rule ${++n}`), headers);
    expect(r.status, r.text).toBe(status);
    if (status !== 200) expect(await alertCounts(schema)).toEqual(before);
  });

  it.each(MATRIX)('PUT and DELETE of a rule, DELETE of a silence with %s answer %i', async (_, status, headers) => {
    const root = bearer(TOKENS.root);
    const rule = await request(pod.url, 'POST', '/api/alerts/rules', burnRule(`victim ${++n}`), root);
    const sil = await request(pod.url, 'POST', '/api/alerts/silences', silence(), root);
    const before = await alertCounts(schema);
    const put = await request(pod.url, 'PUT', `/api/alerts/rules/${rule.json.id}`, burnRule(`moved ${++n}`), headers);
    expect(put.status, put.text).toBe(status);
    const del = await request(pod.url, 'DELETE', `/api/alerts/rules/${rule.json.id}`, undefined, headers);
    expect(del.status, del.text).toBe(status);
    const delSilence = await request(pod.url, 'DELETE', `/api/alerts/silences/${sil.json.id}`, undefined, headers);
    expect(delSilence.status, delSilence.text).toBe(status);
    expect((await alertCounts(schema)).audit).toBe(before.audit + (status === 200 ? 3 : 0));
  });

  it.each(MATRIX)('send test with %s answers %i (a delivery result when allowed)', async (_, status, headers) => {
    const r = await request(pod.url, 'POST', '/api/alerts/channels/Data%20Engineering/hook/test', {}, headers);
    expect(r.status, r.text).toBe(status);
    // Nothing listens on port 9: the attempt fails, and says so.
    if (status === 200) expect(r.json).toMatchObject({ ok: false, status: null, retryable: true });
  });
});

describe('alert reads need a reader when READ_TOKEN is set', () => {
  const READS = ['', '/rules', '/channels', '/silences', '/deliveries'];
  it.each(READS)('GET /api/alerts%s: 401 without a token, 200 with the read token or an admin token', async (path) => {
    const none = await request(pod.url, 'GET', `/api/alerts${path}`);
    expect(none.status, none.text).toBe(401);
    expect((await request(pod.url, 'GET', `/api/alerts${path}`, undefined, bearer(READ_TOKEN))).status).toBe(200);
    expect((await request(pod.url, 'GET', `/api/alerts${path}`, undefined, bearer(TOKENS.finance))).status).toBe(200);
  });
});
