import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChannel } from '../../../src/alerts/channels/stored.js';
import { readChannel } from '../../../src/alerts/config-store.js';
import { secretBox } from '../../../src/alerts/secrets.js';
import type { App } from '../../../src/bootstrap.js';
import { type Receiver, startReceiver } from '../../support/alert-receiver.js';
import { dropSchema, uniqueSchema } from '../../support/app.js';
import {
  ALERT_KEY,
  alertCounts,
  bearer,
  burnRule,
  request,
  SLACK_HOST,
  SLACK_URL,
  silence,
  startAlertsPod,
  TOKENS,
  trpc,
  WEBHOOK_SECRET,
  webhook,
  withPg,
} from './api-fixture.js';

const schema = uniqueSchema('alerts_api_crud');
const admin = bearer(TOKENS.engineering);
let pod: App;
let receiver: Receiver;
/** Every answer of the pod in this file, to check no secret ever appears in one. */
const answers: string[] = [];
const call = async (method: string, path: string, body?: unknown, headers = admin) => {
  const r = await request(pod.url, method, path, body, headers);
  answers.push(r.text);
  return r;
};
beforeAll(async () => {
  pod = await startAlertsPod(schema);
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await pod?.close();
  await dropSchema(schema);
});

/** The audit entries of `objectType`, oldest first, straight from PostgreSQL. */
const auditOf = (objectType: string) =>
  withPg(async (c) => {
    const r = await c.query(
      `SELECT actor, action, object_id, tenant_name, before, after FROM "${schema}".sla_audit WHERE object_type = $1 ORDER BY id`,
      [objectType],
    );
    return r.rows as { actor: string; action: string; object_id: string; before: unknown; after: unknown }[];
  });

describe('channels', () => {
  it('round trip: create, list, replace keeping the secret, send test, delete — audited, secrets never answered', async () => {
    const created = await call('POST', '/api/alerts/channels', webhook('ops-hook', receiver.url));
    expect(created.status, created.text).toBe(200);
    expect(created.json).toMatchObject({
      name: 'ops-hook',
      kind: 'webhook',
      url: receiver.url,
      hasSecret: true,
      managedByFile: false,
    });

    const slack = await call('POST', '/api/alerts/channels', {
      name: 'ops-slack',
      tenantName: 'Data Engineering',
      kind: 'slack',
      url: SLACK_URL,
    });
    expect(slack.status, slack.text).toBe(200);
    // The incoming-webhook URL's path is its credential: only the host is shown.
    expect(slack.json.url).toBe('https://127.0.0.1/services/…');

    const listed = await call('GET', '/api/alerts/channels?tenantName=Data%20Engineering');
    expect((listed.json.items as { name: string }[]).map((c) => c.name)).toEqual(['ops-hook', 'ops-slack']);

    // A replace without `secret` keeps the stored one (secrets are write-only).
    const moved = await call('PUT', '/api/alerts/channels/Data%20Engineering/ops-hook', {
      ...webhook('ops-hook', `${receiver.url}?v=2`),
      secret: undefined,
    });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json).toMatchObject({ url: `${receiver.url}?v=2`, hasSecret: true });

    const tested = await call('POST', '/api/alerts/channels/Data%20Engineering/ops-hook/test', {});
    expect(tested.status, tested.text).toBe(200);
    expect(tested.json).toMatchObject({ ok: true, status: 200, error: null });
    await receiver.waitFor(1);
    expect(receiver.received[0]?.message.changes[0]).toMatchObject({ fingerprint: 'test', ruleName: 'Test message' });

    const deleted = await call('DELETE', '/api/alerts/channels/Data%20Engineering/ops-slack');
    expect(deleted.status, deleted.text).toBe(200);
    expect((await alertCounts(schema)).channels).toBe(1);

    const audit = await auditOf('alert_channel');
    expect(audit.map((a) => [a.actor, a.action, a.object_id])).toEqual([
      ['de-admin', 'create', 'ops-hook'],
      ['de-admin', 'create', 'ops-slack'],
      ['de-admin', 'update', 'ops-hook'],
      ['de-admin', 'delete', 'ops-slack'],
    ]);
    const stored = await withPg(async (c) => (await c.query(`SELECT * FROM "${schema}".sla_alert_channel`)).rows);
    const everything = JSON.stringify([answers, audit, stored]);
    expect(everything).not.toContain(WEBHOOK_SECRET);
    expect(everything).not.toContain('slack-path-credential-42');
  });

  it('a test send to a receiver that fails answers the failure, not an error', async () => {
    const failing = await startReceiver(() => 500);
    try {
      await call('POST', '/api/alerts/channels', webhook('failing', failing.url));
      const tested = await call('POST', '/api/alerts/channels/Data%20Engineering/failing/test', {});
      expect(tested.status, tested.text).toBe(200);
      expect(tested.json).toMatchObject({ ok: false, status: 500, retryable: true });
    } finally {
      await failing.close();
    }
  });

  it('a Slack URL sent back masked as answered keeps the stored one; any other masked URL is a 400 on url', async () => {
    const storedUrl = async (name: string) => {
      const record = await readChannel(pod.deps.db.sql, 'Data Engineering', name);
      return record && openChannel(record.channel, secretBox(ALERT_KEY)).slack?.webhookUrl;
    };
    const slack = { name: 'slack-hook', tenantName: 'Data Engineering', kind: 'slack', url: SLACK_URL };
    expect((await call('POST', '/api/alerts/channels', slack)).status).toBe(200);
    const listed = await call('GET', '/api/alerts/channels?tenantName=Data%20Engineering');
    const shown = (listed.json.items as { name: string; url: string }[]).find((c) => c.name === 'slack-hook');
    expect(shown?.url).toBe(`https://${SLACK_HOST}/services/…`);
    const path = '/api/alerts/channels/Data%20Engineering/slack-hook';
    // GET → PUT round trip: harmless, the stored secret URL stays.
    const put = await call('PUT', path, { ...slack, url: shown?.url });
    expect(put.status, put.text).toBe(200);
    expect(put.json).toMatchObject({ url: shown?.url });
    expect(await storedUrl('slack-hook')).toBe(SLACK_URL);
    // The same masked form percent-encoded is not what GET shows: refused, nothing changes.
    const before = await alertCounts(schema);
    const encoded = await call('PUT', path, { ...slack, url: `https://${SLACK_HOST}/services/%E2%80%A6` });
    expect(encoded.status, encoded.text).toBe(400);
    expect(encoded.json.message).toMatch(/^url: .*masked/);
    // A create, or a webhook channel, never takes a masked URL.
    const created = await call('POST', '/api/alerts/channels', { ...slack, name: 'slack-2', url: shown?.url });
    expect(created.status, created.text).toBe(400);
    expect(created.json.message).toMatch(/^url: .*masked/);
    const hook = await call(
      'PUT',
      '/api/alerts/channels/Data%20Engineering/failing',
      webhook('failing', `http://${SLACK_HOST}/services/…`),
    );
    expect(hook.status, hook.text).toBe(400);
    expect(hook.json.message).toMatch(/^url: .*masked/);
    expect(await alertCounts(schema)).toEqual(before);
    expect(await storedUrl('slack-hook')).toBe(SLACK_URL);
  });
});

describe('rules', () => {
  it('round trip over REST and tRPC: create with defaults, list, replace, delete — audited', async () => {
    const created = await call(
      'POST',
      '/api/alerts/rules',
      burnRule('fast burn', { channels: ['ops-hook'], scope: { teamName: 'PGM' } }),
    );
    expect(created.status, created.text).toBe(200);
    const id = created.json.id as number;
    // The SRE workbook's three tiers are the default.
    expect((created.json.burnRate as { tiers: { name: string }[] }).tiers.map((t) => t.name)).toEqual([
      'page-1h',
      'page-6h',
      'ticket-3d',
    ]);
    expect(created.json).toMatchObject({ scope: { teamName: 'PGM' }, channels: ['ops-hook'], managedByFile: false });

    const stale = await trpc(
      pod.url,
      'alerts.rules.create',
      { name: 'silent poller', tenantName: 'Data Engineering', kind: 'stale', stale: { forMinutes: 30 } },
      admin,
    );
    expect(stale.status, stale.text).toBe(200);

    const listed = await call('GET', '/api/alerts/rules?tenantName=Data%20Engineering');
    expect((listed.json.items as { name: string; kind: string }[]).map((r) => [r.name, r.kind])).toEqual([
      ['fast burn', 'burn_rate'],
      ['silent poller', 'stale'],
    ]);

    const replaced = await call('PUT', `/api/alerts/rules/${id}`, {
      ...burnRule('fast burn'),
      burnRate: {
        tiers: [
          {
            name: 'page-1h',
            longWindowMinutes: 60,
            shortWindowMinutes: 5,
            factor: 14.4,
            severity: 'page',
            enabled: false,
          },
        ],
      },
    });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.json).toMatchObject({ id, channels: [], scope: {}, burnRate: { tiers: [{ enabled: false }] } });

    const deleted = await call('DELETE', `/api/alerts/rules/${id}`);
    expect(deleted.status, deleted.text).toBe(200);
    expect((await call('GET', '/api/alerts/rules')).json.items).toHaveLength(1);

    const audit = await auditOf('alert_rule');
    expect(audit.map((a) => a.action)).toEqual(['create', 'create', 'update', 'delete']);
    expect(audit[2]?.before).toMatchObject({ channels: ['ops-hook'] });
    expect(audit[2]?.after).toMatchObject({ channels: [] });
  });
});

describe('silences', () => {
  it('round trip: create (starting now), list, delete — audited; ended ones listed only when asked', async () => {
    const endsAt = new Date(Date.now() + 7_200_000).toISOString();
    const created = await call(
      'POST',
      '/api/alerts/silences',
      silence({ teamName: 'PGM', ruleName: 'silent poller', endsAt }),
    );
    expect(created.status, created.text).toBe(200);
    expect(created.json).toMatchObject({
      tenantName: 'Data Engineering',
      teamName: 'PGM',
      ruleName: 'silent poller',
      endsAt,
      createdBy: 'de-admin',
    });
    expect(Math.abs(Date.parse(created.json.startsAt as string) - Date.now())).toBeLessThan(60_000);
    const listed = await call('GET', '/api/alerts/silences');
    expect((listed.json.items as { id: number }[]).map((s) => s.id)).toEqual([created.json.id]);
    const deleted = await call('DELETE', `/api/alerts/silences/${created.json.id}`);
    expect(deleted.status, deleted.text).toBe(200);
    expect((await call('GET', '/api/alerts/silences')).json.items).toEqual([]);
    expect((await auditOf('alert_silence')).map((a) => a.action)).toEqual(['create', 'delete']);
  });
});

describe('objects the rules file manages are read-only here', () => {
  it('PUT and DELETE of a managed rule or channel are 409s naming the rules file; nothing changes', async () => {
    const rule = await call('POST', '/api/alerts/rules', burnRule('from file', { channels: ['failing'] }));
    await withPg(async (c) => {
      await c.query(`UPDATE "${schema}".sla_alert_rule SET managed_by_file = true WHERE id = $1`, [rule.json.id]);
      await c.query(`UPDATE "${schema}".sla_alert_channel SET managed_by_file = true WHERE name = 'ops-hook'`);
    });
    const before = await alertCounts(schema);
    const attempts = [
      await call('PUT', `/api/alerts/rules/${rule.json.id}`, burnRule('from file')),
      await call('DELETE', `/api/alerts/rules/${rule.json.id}`),
      await call('PUT', '/api/alerts/channels/Data%20Engineering/ops-hook', webhook('ops-hook', receiver.url)),
      await call('DELETE', '/api/alerts/channels/Data%20Engineering/ops-hook'),
    ];
    for (const r of attempts) {
      expect(r.status, r.text).toBe(409);
      expect(r.json.message).toMatch(/managed by the rules file/);
    }
    expect(await alertCounts(schema)).toEqual(before);
    const listed = await call('GET', '/api/alerts/rules');
    expect(
      (listed.json.items as { name: string; managedByFile: boolean }[]).find((r) => r.name === 'from file')
        ?.managedByFile,
    ).toBe(true);
  });
});
