import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, uniqueSchema } from '../../support/app.js';
import { bearer, counts, oneOff, request, startPolicyPod, TOKENS, trpc } from './fixture.js';

const schema = uniqueSchema('window_input');
const root = bearer(TOKENS.root);
let pod: App;
let entityId: number;
let financeEntityId: number;
let windowId: number;
beforeAll(async () => {
  pod = await startPolicyPod(schema);
  const view = pod.deps.cache.view;
  const ids = (tenant: string) =>
    [...(view.tenants.get(tenant)?.teams.values() ?? [])].flatMap((t) => t.slots).map((s) => view.entity(s).id);
  entityId = ids('Data Engineering')[0] as number;
  financeEntityId = ids('Finance')[0] as number;
  windowId = (await request(pod.url, 'POST', '/api/windows', oneOff(), root)).json.id as number;
});
afterAll(async () => {
  await pod?.close();
  await dropSchema(schema);
});

/** Bad windows and the field each 400 must name. */
const BAD: [string, () => Record<string, unknown>, string][] = [
  ['an RRULE that does not parse', () => oneOff({ rrule: 'FREQ=SOMETIMES' }), 'rrule'],
  ['an RRULE without FREQ', () => oneOff({ rrule: 'BYDAY=MO' }), 'rrule'],
  ['an RRULE with DTSTART', () => oneOff({ rrule: 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY' }), 'rrule'],
  ['an unknown time zone', () => oneOff({ timeZone: 'Mars/Olympus_Mons' }), 'timeZone'],
  ['an offset for a zone', () => oneOff({ timeZone: '+02:00' }), 'timeZone'],
  ['end before start', () => oneOff({ end: '2026-12-05T01:00:00Z' }), 'end'],
  ['end equal to start', () => oneOff({ end: '2026-12-05T02:00:00Z' }), 'end'],
  ['a start that is no date', () => oneOff({ start: 'tomorrow' }), 'start'],
  ['a start without a zone', () => oneOff({ start: '2026-12-05T02:00:00' }), 'start'],
  ['an unknown tenant', () => oneOff({ tenantName: 'Nobody' }), 'tenantName'],
  ['a team not in the tenant', () => oneOff({ teamName: 'Ledger' }), 'teamName'],
  ['an unknown entity type', () => oneOff({ entityType: 'spreadsheet' }), 'entityType'],
  ['an entity of another tenant', () => oneOff({ entityId: financeEntityId }), 'entityId'],
  ['an entity that does not exist', () => oneOff({ entityId: 999_999 }), 'entityId'],
  ['an entity of another team than the one named', () => oneOff({ entityId, teamName: 'Other' }), 'teamName'],
  ['an unknown category', () => oneOff({ category: 'holiday' }), 'category'],
  ['a reason too long', () => oneOff({ reason: 'x'.repeat(501) }), 'reason'],
  ['until on a one-off window', () => oneOff({ until: '2027-01-01T00:00:00Z' }), 'until'],
  ['until before start', () => oneOff({ rrule: 'FREQ=DAILY', until: '2026-01-01T00:00:00Z' }), 'until'],
  ['a minutely RRULE', () => oneOff({ rrule: 'FREQ=MINUTELY' }), 'rrule'],
];

describe('a bad window is a 400 naming the field, and nothing is written', () => {
  it.each(BAD)('create with %s (REST and tRPC)', async (_, body, field) => {
    const before = await counts(schema);
    const rest = await request(pod.url, 'POST', '/api/windows', body(), root);
    expect(rest.status, rest.text).toBe(400);
    expect(rest.json.message, rest.text).toMatch(new RegExp(`^${field}[: ]`));
    const viaTrpc = await trpc(pod.url, 'windows.create', body(), root);
    expect(viaTrpc.status, viaTrpc.text).toBe(400);
    expect(JSON.stringify(viaTrpc.json)).toMatch(new RegExp(`"message":"${field}[: ]`));
    expect(await counts(schema)).toEqual(before);
  });

  it.each(BAD.filter(([, , field]) => field !== 'tenantName'))('update with %s', async (_, body, field) => {
    const before = await counts(schema);
    const { tenantName: _t, ...change } = body();
    const r = await request(pod.url, 'PATCH', `/api/windows/${windowId}`, change, root);
    expect(r.status, r.text).toBe(400);
    expect(r.json.message, r.text).toMatch(new RegExp(`^${field}[: ]`));
    expect(await counts(schema)).toEqual(before);
  });

  it('an unknown id is a 404, a malformed one a 400 naming it', async () => {
    expect((await request(pod.url, 'PATCH', '/api/windows/999999', { reason: 'x' }, root)).status).toBe(404);
    expect((await request(pod.url, 'DELETE', '/api/windows/999999', undefined, root)).status).toBe(404);
    const bad = await request(pod.url, 'DELETE', '/api/windows/abc', undefined, root);
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^id\b/);
  });

  it('listing the windows of an unknown tenant is a 404 naming tenantName, as its report is', async () => {
    const unknown = await request(pod.url, 'GET', '/api/windows?tenantName=Nobody', undefined, root);
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toMatch(/^tenantName: no tenant "Nobody"/);
    const known = await request(pod.url, 'GET', '/api/windows?tenantName=Finance', undefined, root);
    expect(known.status).toBe(200);
  });

  it('occurrences refuse a range over 400 days or backwards, naming `to`', async () => {
    const long = await request(
      pod.url,
      'GET',
      '/api/windows/occurrences?from=2026-01-01T00:00:00Z&to=2027-02-06T00:00:00Z',
    );
    expect(long.status).toBe(400);
    expect(long.json.message).toMatch(/^to: at most 400 days/);
    const back = await request(
      pod.url,
      'GET',
      '/api/windows/occurrences?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    expect(back.json.message).toMatch(/^to: /);
  });

  it('settings refuse an unknown zone, a bad window length or policy, an unknown tenant, naming the field', async () => {
    const before = await counts(schema);
    const cases: [Record<string, unknown>, string][] = [
      [{ tenantName: 'Finance', timeZone: 'Europe/Atlantis' }, 'timeZone'],
      [{ tenantName: 'Finance', windowDays: 0 }, 'windowDays'],
      [{ tenantName: 'Finance', windowDays: 401 }, 'windowDays'],
      [{ tenantName: 'Finance', noDataPolicy: 'maybe' }, 'noDataPolicy'],
      [{ tenantName: 'Nobody' }, 'tenantName'],
    ];
    for (const [body, field] of cases) {
      const r = await request(pod.url, 'POST', '/api/budgets/settings', body, root);
      expect(r.status, r.text).toBe(400);
      expect(r.json.message, r.text).toMatch(new RegExp(`^${field}[: ]`));
    }
    expect(await counts(schema)).toEqual(before);
  });
});

describe('every write is audited with the object before and after', () => {
  const audit = async (query = '') =>
    (await request(pod.url, 'GET', `/api/audit${query}`, undefined, root)).json.items as Record<string, unknown>[];

  it('create, update and delete of a window', async () => {
    const body = oneOff({ rrule: 'FREQ=WEEKLY;BYDAY=SA', timeZone: 'Europe/Berlin', reason: 'weekly patching' });
    const created = (await request(pod.url, 'POST', '/api/windows', body, bearer(TOKENS.engineering))).json;
    const id = created.id as number;
    const updated = (await request(pod.url, 'PATCH', `/api/windows/${id}`, { reason: 'moved' }, root)).json;
    expect(updated.reason).toBe('moved');
    // Setting what is already there changes nothing, so it is not an entry of the log.
    const same = await request(
      pod.url,
      'PATCH',
      `/api/windows/${id}`,
      { reason: 'moved', category: 'maintenance' },
      root,
    );
    expect(same.json).toEqual(updated);
    expect((await request(pod.url, 'DELETE', `/api/windows/${id}`, undefined, root)).status).toBe(200);
    const entries = (await audit(`?objectType=window`)).filter((e) => e.objectId === String(id));
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['delete', 'root'],
      ['update', 'root'],
      ['create', 'de-admin'],
    ]);
    const [del, upd, cre] = entries;
    expect(cre).toMatchObject({ tenantName: 'Data Engineering', before: null, after: created });
    expect(upd).toMatchObject({ before: created, after: updated });
    expect(del).toMatchObject({ before: updated, after: null });
  });

  it('tenant settings, and a reset to the default', async () => {
    const set = await request(
      pod.url,
      'POST',
      '/api/budgets/settings',
      { tenantName: 'Finance', timeZone: 'America/New_York', windowDays: 90 },
      bearer(TOKENS.finance),
    );
    expect(set.status, set.text).toBe(200);
    expect(set.json).toEqual({
      tenantName: 'Finance',
      timeZone: 'America/New_York',
      windowDays: 90,
      noDataPolicy: 'exclude',
    });
    const reset = await request(
      pod.url,
      'POST',
      '/api/budgets/settings',
      { tenantName: 'Finance', windowDays: null },
      root,
    );
    expect(reset.json.windowDays).toBe(30);
    // The same settings again: no entry (the two below are all there is).
    const again = { tenantName: 'Finance', windowDays: null };
    expect((await request(pod.url, 'POST', '/api/budgets/settings', again, root)).json).toEqual(reset.json);
    const read = await trpc(pod.url, 'budgets.settings', { tenantName: 'Finance' }, {}, true);
    expect((read.json.result as { data: unknown }).data).toEqual(reset.json);
    const [second, first] = await audit('?objectType=tenant_settings&tenantName=Finance');
    expect(first).toMatchObject({
      action: 'create',
      actor: 'fin-admin',
      before: null,
      after: { timeZone: 'America/New_York', windowDays: 90, noDataPolicy: null },
    });
    expect(second).toMatchObject({
      action: 'update',
      actor: 'root',
      before: first?.after,
      after: { timeZone: 'America/New_York', windowDays: null },
    });
  });

  it('an admin of some tenants reads only their entries; ingest tokens none', async () => {
    const finance = (await request(pod.url, 'GET', '/api/audit', undefined, bearer(TOKENS.finance))).json.items as {
      tenantName: string;
    }[];
    expect(finance.length).toBeGreaterThan(0);
    expect(new Set(finance.map((e) => e.tenantName))).toEqual(new Set(['Finance']));
    expect(
      (await request(pod.url, 'GET', '/api/audit?tenantName=Data%20Engineering', undefined, bearer(TOKENS.finance)))
        .status,
    ).toBe(403);
    expect((await request(pod.url, 'GET', '/api/audit', undefined, bearer(TOKENS.ingest))).status).toBe(403);
    expect((await request(pod.url, 'GET', '/api/audit')).status).toBe(401);
  });

  it('pages newest first by cursor', async () => {
    const all = await audit('?limit=500');
    const first = (await request(pod.url, 'GET', '/api/audit?limit=2', undefined, root)).json;
    const next = (await request(pod.url, 'GET', `/api/audit?limit=2&cursor=${first.nextCursor}`, undefined, root)).json;
    expect([...(first.items as unknown[]), ...(next.items as unknown[])]).toEqual(all.slice(0, 4));
  });
});
