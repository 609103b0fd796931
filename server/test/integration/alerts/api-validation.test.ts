import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, uniqueSchema } from '../../support/app.js';
import {
  alertCounts,
  bearer,
  burnRule,
  request,
  SLACK_URL,
  silence,
  startAlertsPod,
  TOKENS,
  trpc,
  webhook,
} from './api-fixture.js';

const schema = uniqueSchema('alerts_api_input');
const root = bearer(TOKENS.root);
let pod: App;
let entityId: number;
let financeEntityId: number;
let ruleId: number;
beforeAll(async () => {
  pod = await startAlertsPod(schema);
  const view = pod.deps.cache.view;
  const ids = (tenant: string) =>
    [...(view.tenants.get(tenant)?.teams.values() ?? [])].flatMap((t) => t.slots).map((s) => view.entity(s).id);
  entityId = ids('Data Engineering')[0] as number;
  financeEntityId = ids('Finance')[0] as number;
  const hook = await request(pod.url, 'POST', '/api/alerts/channels', webhook('hook', 'http://127.0.0.1:9/hook'), root);
  expect(hook.status, hook.text).toBe(200);
  const rule = await request(pod.url, 'POST', '/api/alerts/rules', burnRule('fast burn', { channels: ['hook'] }), root);
  expect(rule.status, rule.text).toBe(200);
  ruleId = rule.json.id as number;
});
afterAll(async () => {
  await pod?.close();
  await dropSchema(schema);
});

const tier = (over: Record<string, unknown>) => ({
  name: 'page-1h',
  longWindowMinutes: 60,
  shortWindowMinutes: 5,
  factor: 14.4,
  severity: 'page',
  ...over,
});
const tiers = (...t: Record<string, unknown>[]) => ({ burnRate: { tiers: t } });

/** Bad rules and the field each 400 must name. */
const BAD_RULES: [string, () => Record<string, unknown>, string][] = [
  [
    'a tier whose long window is shorter than its short one',
    () => burnRule('r', tiers(tier({ longWindowMinutes: 4 }))),
    'burnRate.tiers.0.longWindowMinutes',
  ],
  [
    'a tier whose long window equals its short one',
    () => burnRule('r', tiers(tier({}), tier({ name: 'b', longWindowMinutes: 30, shortWindowMinutes: 30 }))),
    'burnRate.tiers.1.longWindowMinutes',
  ],
  ['a tier with a negative factor', () => burnRule('r', tiers(tier({ factor: -1 }))), 'burnRate.tiers.0.factor'],
  ['an unknown channel', () => burnRule('r', { channels: ['nowhere'] }), 'channels.0'],
  ['a second channel that is unknown', () => burnRule('r', { channels: ['hook', 'nowhere'] }), 'channels.1'],
  ["another tenant's channel name", () => burnRule('r', { tenantName: 'Finance', channels: ['hook'] }), 'channels.0'],
  ['an unknown tenant', () => burnRule('r', { tenantName: 'Nobody' }), 'tenantName'],
  ['a team not in the tenant', () => burnRule('r', { scope: { teamName: 'Ledger' } }), 'scope.teamName'],
  ['an unknown entity type', () => burnRule('r', { scope: { entityType: 'spreadsheet' } }), 'scope.entityType'],
  ['an entity of another tenant', () => burnRule('r', { scope: { entityId: financeEntityId } }), 'scope.entityId'],
  ['an entity that does not exist', () => burnRule('r', { scope: { entityId: 999_999 } }), 'scope.entityId'],
  [
    'an entity of another team than named',
    () => burnRule('r', { scope: { entityId, teamName: 'Other' } }),
    'scope.teamName',
  ],
  ['an unknown kind', () => burnRule('r', { kind: 'sometimes' }), 'kind'],
  ['a status rule without its condition', () => burnRule('r', { kind: 'status' }), 'status'],
  ['a condition of another kind', () => burnRule('r', { stale: { forMinutes: 5 } }), 'stale'],
  ['a stale rule of 0 minutes', () => burnRule('r', { kind: 'stale', stale: { forMinutes: 0 } }), 'stale.forMinutes'],
  ['an empty name', () => burnRule(''), 'name'],
];

/** Bad channels and the field each 400 must name. */
const BAD_CHANNELS: [string, () => Record<string, unknown>, string][] = [
  ['a webhook URL that is not http(s)', () => webhook('c', 'ftp://127.0.0.1/hook'), 'url'],
  ['a webhook URL that is no URL', () => webhook('c', 'not a url'), 'url'],
  ['a webhook on the cloud metadata address', () => webhook('c', 'http://169.254.169.254/latest/meta-data'), 'url'],
  ['a webhook on a private address', () => webhook('c', 'http://10.1.2.3/hook'), 'url'],
  ['a webhook on IPv6 loopback (not allowed)', () => webhook('c', 'http://[::1]:8080/hook'), 'url'],
  ['a webhook with credentials in its URL', () => webhook('c', 'http://user:pw@127.0.0.1/hook'), 'url'],
  ['a webhook without a URL', () => webhook('c', 'x', { url: undefined }), 'url'],
  [
    'a Slack URL on another host',
    () => ({ ...webhook('c', 'https://example.com/services/T/B/X'), kind: 'slack', secret: undefined }),
    'url',
  ],
  [
    'a Slack URL of the wrong path',
    () => ({ ...webhook('c', 'https://127.0.0.1/hooks/T/B/X'), kind: 'slack', secret: undefined }),
    'url',
  ],
  [
    'a Slack URL over http',
    () => ({ ...webhook('c', SLACK_URL.replace('https:', 'http:')), kind: 'slack', secret: undefined }),
    'url',
  ],
  ['a Slack channel with a webhook secret', () => ({ ...webhook('c', SLACK_URL), kind: 'slack' }), 'secret'],
  ['an unknown tenant', () => webhook('c', 'http://127.0.0.1:9/x', { tenantName: 'Nobody' }), 'tenantName'],
  ['an unknown kind', () => webhook('c', 'http://127.0.0.1:9/x', { kind: 'email' }), 'kind'],
];

/** Bad silences and the field each 400 must name. */
const BAD_SILENCES: [string, () => Record<string, unknown>, string][] = [
  ['an end in the past', () => silence({ endsAt: '2020-01-01T00:00:00Z' }), 'endsAt'],
  [
    'an end before its start',
    () => silence({ startsAt: '2099-01-02T00:00:00Z', endsAt: '2099-01-01T00:00:00Z' }),
    'endsAt',
  ],
  ['an end that is no date', () => silence({ endsAt: 'tonight' }), 'endsAt'],
  ['an unknown tenant', () => silence({ tenantName: 'Nobody' }), 'tenantName'],
  ['a team not in the tenant', () => silence({ teamName: 'Ledger' }), 'teamName'],
  ['an entity of another tenant', () => silence({ entityId: financeEntityId }), 'entityId'],
  ['an unknown rule', () => silence({ ruleName: 'no such rule' }), 'ruleName'],
  ['an empty reason', () => silence({ reason: ' ' }), 'reason'],
];

const CASES: [string, string, typeof BAD_RULES][] = [
  ['rule', 'rules', BAD_RULES],
  ['channel', 'channels', BAD_CHANNELS],
  ['silence', 'silences', BAD_SILENCES],
];

describe.each(CASES)('a bad %s is a 400 naming the field, and nothing is written', (_, path, bad) => {
  it.each(bad)('create with %s (REST and tRPC)', async (_what, body, field) => {
    const before = await alertCounts(schema);
    const rest = await request(pod.url, 'POST', `/api/alerts/${path}`, body(), root);
    expect(rest.status, rest.text).toBe(400);
    expect(rest.json.message, rest.text).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}[: ]`));
    const viaTrpc = await trpc(pod.url, `alerts.${path}.create`, body(), root);
    expect(viaTrpc.status, viaTrpc.text).toBe(400);
    expect(await alertCounts(schema)).toEqual(before);
  });
});

describe('updates check the same way', () => {
  it.each(BAD_RULES.filter(([, , f]) => f !== 'tenantName'))('PUT a rule with %s', async (_, body, field) => {
    const before = await alertCounts(schema);
    const r = await request(pod.url, 'PUT', `/api/alerts/rules/${ruleId}`, body(), root);
    expect(r.status, r.text).toBe(400);
    expect(r.json.message, r.text).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}[: ]`));
    expect(await alertCounts(schema)).toEqual(before);
  });

  it.each(BAD_CHANNELS.filter(([, , f]) => f === 'url'))('PUT a channel with %s', async (_, body, field) => {
    const before = await alertCounts(schema);
    const r = await request(
      pod.url,
      'PUT',
      '/api/alerts/channels/Data%20Engineering/hook',
      { ...body(), name: 'hook' },
      root,
    );
    expect(r.status, r.text).toBe(400);
    expect(r.json.message, r.text).toMatch(new RegExp(`^${field}[: ]`));
    expect(await alertCounts(schema)).toEqual(before);
  });
});

describe('other input problems', () => {
  it('an unknown field is a 400 whose message starts with its path', async () => {
    const r = await request(pod.url, 'POST', '/api/alerts/rules', burnRule('r', { colour: 'red' }), root);
    expect(r.status, r.text).toBe(400);
    expect(r.json.message).toBe('colour: unknown field');
    for (const path of ['silences', 'channels']) {
      const bogus = await request(pod.url, 'POST', `/api/alerts/${path}`, { bogus: 1 }, root);
      expect(bogus.status, bogus.text).toBe(400);
      expect(bogus.json.message).toMatch(/(^|; )bogus: unknown field($|;)/);
      expect(bogus.json.message).not.toContain('Unrecognized');
    }
    // At every depth: a typo inside a nested object is refused too, not dropped.
    const before = await alertCounts(schema);
    const nested: [Record<string, unknown>, string][] = [
      [tiers(tier({ colour: 'red' })), 'burnRate.tiers.0.colour'],
      [{ burnRate: { tiers: [tier({})], speed: 2 } }, 'burnRate.speed'],
      [{ scope: { teamName: 'PGM', shade: 'dark' } }, 'scope.shade'],
      [{ kind: 'status', status: { to: 'Failed', forMinutes: 0, also: 1 } }, 'status.also'],
      [{ kind: 'stale', stale: { forMinutes: 5, also: 1 } }, 'stale.also'],
    ];
    for (const [over, path] of nested) {
      const r = await request(pod.url, 'POST', '/api/alerts/rules', burnRule('nested', over), root);
      expect(r.status, `${path}: ${r.text}`).toBe(400);
      expect(r.json.message, path).toMatch(new RegExp(`(^|; )${path.replace(/\./g, '\\.')}: unknown field($|;)`));
    }
    expect(await alertCounts(schema)).toEqual(before);
  });

  it('messages name their field once, in plain English, one per mistake', async () => {
    const tier0 = await request(
      pod.url,
      'POST',
      '/api/alerts/rules',
      burnRule('r', tiers(tier({ longWindowMinutes: 4 }))),
      root,
    );
    expect(tier0.json.message, tier0.text).toBe(
      'burnRate.tiers.0.longWindowMinutes (4) must be longer than shortWindowMinutes (5)',
    );
    const endsAt = await request(pod.url, 'POST', '/api/alerts/silences', silence({ endsAt: 'tonight' }), root);
    expect(endsAt.status, endsAt.text).toBe(400);
    expect(endsAt.json.message).toBe('endsAt must be an ISO 8601 date-time');
    const unspecified = await request(pod.url, 'POST', '/api/alerts/channels', webhook('c', 'http://0.0.0.0/x'), root);
    expect(unspecified.json.message, unspecified.text).toMatch(
      /^url: refused: 0\.0\.0\.0 is an unspecified \("this network"\) address;/,
    );
  });

  it('a duplicate rule or channel name in the tenant is a 409 naming `name`, the same name in another tenant is fine', async () => {
    const before = await alertCounts(schema);
    const rule = await request(pod.url, 'POST', '/api/alerts/rules', burnRule('fast burn'), root);
    expect(rule.status, rule.text).toBe(409);
    expect(rule.json.message).toMatch(/^name: /);
    const channel = await request(
      pod.url,
      'POST',
      '/api/alerts/channels',
      webhook('hook', 'http://127.0.0.1:9/x'),
      root,
    );
    expect(channel.status, channel.text).toBe(409);
    expect(await alertCounts(schema)).toEqual(before);
    const finance = await request(
      pod.url,
      'POST',
      '/api/alerts/rules',
      burnRule('fast burn', { tenantName: 'Finance' }),
      root,
    );
    expect(finance.status, finance.text).toBe(200);
  });

  it('unknown ids are 404s, malformed ones 400s naming `id`', async () => {
    expect((await request(pod.url, 'PUT', '/api/alerts/rules/999999', burnRule('x'), root)).status).toBe(404);
    expect((await request(pod.url, 'DELETE', '/api/alerts/rules/999999', undefined, root)).status).toBe(404);
    expect((await request(pod.url, 'DELETE', '/api/alerts/silences/999999', undefined, root)).status).toBe(404);
    expect(
      (await request(pod.url, 'DELETE', '/api/alerts/channels/Data%20Engineering/none', undefined, root)).status,
    ).toBe(404);
    const bad = await request(pod.url, 'DELETE', '/api/alerts/rules/abc', undefined, root);
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^id\b/);
  });

  it('a channel a rule names cannot be deleted: 409 naming the rule', async () => {
    const r = await request(pod.url, 'DELETE', '/api/alerts/channels/Data%20Engineering/hook', undefined, root);
    expect(r.status, r.text).toBe(409);
    expect(r.json.message).toContain('"fast burn"');
  });
});
